// The loaders fed with bytes. Two inputs are repaired before loading so that mutations reach the
// parsers behind the integrity checks: a .dsm's last 8 bytes become the FNV-1a checksum of the
// rest, and each whole PNG chunk gets its CRC-32. The checks themselves have unit tests.
#include "tests/fuzz/fuzz_loaders.hpp"

#include "core/datasets/dataset_registry.hpp"
#include "core/datasets/gmm_file.hpp"
#include "core/datasets/idx_file.hpp"
#include "core/datasets/png_folder.hpp"
#include "core/errors.hpp"
#include "core/model/checkpoint.hpp"
#include "core/scene/scene_io.hpp"
#include "tests/fuzz/fuzz_scratch.hpp"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <zlib.h>

namespace dfs::fuzz {

namespace {

/// --dataset FILE.csv: the strict CSV reader, then the points file's columns and labels.
void loadCsv(std::string_view bytes) {
    loadDataset(writeScratch("points.csv", bytes), DatasetOptions{});
}

/// The checkpoint's FNV-1a 64-bit hash (core/model/checkpoint.cpp).
std::uint64_t fnv1a(std::string_view bytes) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ull;
    return h;
}

/// --denoiser MODEL.dsm, with the checksum repaired.
void loadDsm(std::string_view bytes) {
    std::string file(bytes);
    if (file.size() >= 8) {
        const std::uint64_t h = fnv1a(std::string_view(file).substr(0, file.size() - 8));
        std::memcpy(file.data() + file.size() - 8, &h, 8); // little-endian (checked there)
    }
    loadCheckpoint(writeScratch("model.dsm", file));
}

/// IDX, plain or gzip (zlib tells them apart): the first few images only, then the whole file.
void loadIdx(std::string_view bytes) {
    const std::string path = writeScratch("train-images-idx3-ubyte", bytes);
    readIdx(path, 4);
    readIdx(path);
}

std::uint32_t bigEndian(const char* p) {
    const auto* b = reinterpret_cast<const unsigned char*>(p);
    return std::uint32_t(b[0]) << 24 | std::uint32_t(b[1]) << 16 | std::uint32_t(b[2]) << 8 | b[3];
}

/// Gives every PNG chunk that lies whole in `png` the CRC-32 of its type and data.
void repairPngCrcs(std::string& png) {
    std::size_t at = 8; // after the signature
    while (png.size() - at >= 12) {
        const std::uint32_t len = bigEndian(png.data() + at);
        if (len > png.size() - at - 12) break;
        const auto* typeAndData = reinterpret_cast<const Bytef*>(png.data() + at + 4);
        const std::uint32_t crc = std::uint32_t(crc32(0, typeAndData, uInt(len) + 4));
        for (int k = 0; k < 4; ++k) png[at + 8 + len + std::size_t(k)] = char(crc >> (24 - 8 * k));
        at += 12 + std::size_t(len);
    }
}

/// --dataset FOLDER: a folder holding one PNG (CRCs repaired), resized to 8x8.
void loadPng(std::string_view bytes) {
    std::string file(bytes);
    if (file.size() > 8) repairPngCrcs(file);
    static const std::string dir = [] {
        const std::string d = scratchDir() + "/png";
        std::filesystem::create_directories(d);
        return d;
    }();
    writeScratch("png/image.png", file);
    loadPngFolder(dir, 8);
}

/// diffuscope FILE.json, render --scene FILE.json: parsed and validated.
void loadSceneJson(std::string_view bytes) {
    sceneFromJson(std::string(bytes), "fuzz-scene.json");
}

/// --dataset gmm:FILE.json.
void loadGmmJson(std::string_view bytes) {
    gmmFromJson(std::string(bytes), "fuzz-gmm.json");
}

} // namespace

const std::vector<FuzzLoader>& fuzzLoaders() {
    static const std::vector<FuzzLoader> loaders = {
        {"csv", loadCsv},
        {"dsm", loadDsm},
        {"idx", loadIdx},
        {"png", loadPng},
        {"scene_json", loadSceneJson},
        {"gmm_json", loadGmmJson},
    };
    return loaders;
}

const FuzzLoader& fuzzLoader(std::string_view name) {
    for (const FuzzLoader& l : fuzzLoaders())
        if (l.name == name) return l;
    throw std::out_of_range("no fuzz loader named " + std::string(name));
}

bool loadOrRefuse(const FuzzLoader& loader, std::string_view bytes) {
    try {
        loader.load(bytes);
        return true;
    } catch (const DataError&) {
    } catch (const UsageError&) {
    } catch (const DeviceError&) {
    }
    return false;
}

} // namespace dfs::fuzz
