// The loaders fed with bytes. Three inputs are repaired before loading so that mutations reach
// the parsers behind the integrity checks: a .dsm's last 8 bytes become the FNV-1a checksum of
// the rest, each whole PNG chunk gets its CRC-32, and each stored .npz member its CRC-32. The
// checks themselves have unit tests.
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

/// --dataset FILE.npy: the .npy header and data, then the points file's checks.
void loadNpy(std::string_view bytes) {
    loadDataset(writeScratch("points.npy", bytes), DatasetOptions{});
}

std::uint32_t le(const std::string& b, std::size_t at, int bytes) {
    std::uint32_t v = 0;
    for (int k = bytes - 1; k >= 0; --k) v = v << 8 | std::uint8_t(b[at + std::size_t(k)]);
    return v;
}

/// Gives every stored (method 0) member of a zip whose central directory entry and data lie
/// whole in `zip` the CRC-32 of its data, in that entry (the one core/io/npz.cpp checks).
void repairZipCrcs(std::string& zip) {
    const std::size_t endAt = zip.rfind("PK\x05\x06");
    if (endAt == std::string::npos || zip.size() - endAt < 22) return;
    std::size_t at = le(zip, endAt + 16, 4);
    for (std::uint32_t i = 0, n = le(zip, endAt + 10, 2); i < n; ++i) {
        if (at > zip.size() || zip.size() - at < 46 || zip.compare(at, 4, "PK\x01\x02") != 0)
            return;
        const std::size_t local = le(zip, at + 42, 4), packed = le(zip, at + 20, 4);
        if (le(zip, at + 10, 2) == 0 && local <= zip.size() && zip.size() - local >= 30) {
            const std::size_t dataAt = local + 30 + le(zip, local + 26, 2) + le(zip, local + 28, 2);
            if (dataAt <= zip.size() && packed <= zip.size() - dataAt) {
                const auto* data = reinterpret_cast<const Bytef*>(zip.data() + dataAt);
                const std::uint32_t crc = std::uint32_t(crc32(0, data, uInt(packed)));
                for (int k = 0; k < 4; ++k) zip[at + 16 + std::size_t(k)] = char(crc >> (8 * k));
            }
        }
        at += 46 + le(zip, at + 28, 2) + le(zip, at + 30, 2) + le(zip, at + 32, 2);
    }
}

/// --dataset FILE.npz, with stored members' CRCs repaired: the zip directory, each member's
/// .npy, then the points file's checks.
void loadNpz(std::string_view bytes) {
    std::string file(bytes);
    repairZipCrcs(file);
    loadDataset(writeScratch("points.npz", file), DatasetOptions{});
}

/// --denoiser MODEL.safetensors: the JSON header, the tensors' offsets and shapes, the model.
void loadSafetensorsModel(std::string_view bytes) {
    loadCheckpoint(writeScratch("model.safetensors", bytes));
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
        {"npy", loadNpy},
        {"npz", loadNpz},
        {"safetensors", loadSafetensorsModel},
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
