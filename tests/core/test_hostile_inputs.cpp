// Hostile inputs to the core's loaders (issue 20): numbers that overflow, special files, huge
// declared sizes and symbolic-link loops must each end in a DataError naming the file, before
// any large allocation and without hanging.
#include "core/datasets/gmm_file.hpp"
#include "core/datasets/idx_file.hpp"
#include "core/datasets/png_folder.hpp"
#include "core/io/csv.hpp"
#include "core/model/checkpoint.hpp"
#include "core/model/model_size.hpp"
#include "core/scene/scene_io.hpp"
#include "test_support.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sys/resource.h>
#include <sys/stat.h>
#include <zlib.h>

using namespace dfs;
using dfs::test::contains;
using dfs::test::errorOf;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
    const fs::path d = fs::temp_directory_path() / "dfs_hostile_tests" / name;
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

void writeBytes(const fs::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary) << bytes;
}

/// This process's peak resident memory so far, in MiB.
long peakRssMiB() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss / 1024;
}

/// A checkpoint with the given metadata and `weights` zero weights, with a valid checksum.
std::string checkpointBytes(const std::string& meta, std::uint64_t weights) {
    std::string b("DSMODEL\n", 8);
    const auto put = [&b](auto v) {
        char raw[sizeof v];
        std::memcpy(raw, &v, sizeof v);
        b.append(raw, sizeof v);
    };
    put(std::uint32_t(1));
    put(std::uint32_t(meta.size()));
    b += meta;
    put(weights);
    b.append(weights * 4, '\0');
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : b) h = (h ^ c) * 0x100000001b3ull;
    put(h);
    return b;
}

/// An IDX header of unsigned bytes with the given dimensions.
std::string idxHeader(const std::vector<std::uint32_t>& dims) {
    std::string h{'\0', '\0', '\x08', char(dims.size())};
    for (std::uint32_t d : dims)
        for (int s = 24; s >= 0; s -= 8) h.push_back(char((d >> s) & 0xff));
    return h;
}

void writeGzip(const fs::path& p, const std::string& bytes, std::size_t zeros = 0) {
    gzFile f = gzopen(p.c_str(), "wb9");
    gzwrite(f, bytes.data(), unsigned(bytes.size()));
    const std::string block(1 << 20, '\0');
    for (std::size_t done = 0; done < zeros; done += block.size())
        gzwrite(f, block.data(), unsigned(std::min(block.size(), zeros - done)));
    gzclose(f);
}

const std::string kSceneHead = R"({"format": "diffuscope-scene", "version": 1, )";

} // namespace

TEST_CASE("scene files: overflowing numbers name the file and line, never echo the token",
          "[hostile][scene]") {
    const fs::path d = scratch("scene_numbers");
    const std::string big(400, '9');
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"exp.json", kSceneHead + "\n\"data\": {\"noise\": 1e999}}"},
        {"digits.json", kSceneHead + "\n\"data\": {\"n\": " + big + "}}"},
        {"long.json", kSceneHead + "\n\"data\": {\"noise\": 1" + std::string(100000, '0') + "}}"},
    };
    for (const auto& [name, text] : cases) {
        SECTION(name) {
            writeBytes(d / name, text);
            const std::string msg = errorOf<DataError>([&] { loadScene((d / name).string()); });
            CHECK(contains(msg, name + ":2:"));
            CHECK(contains(msg, "too large"));
            CHECK(msg.size() < 400);
        }
    }
}

TEST_CASE("scene files: values of the wrong type name the file and the key", "[hostile][scene]") {
    const fs::path d = scratch("scene_types");
    writeBytes(d / "t.json", kSceneHead + R"("sampler": {"steps": "many"}})");
    const std::string msg = errorOf<DataError>([&] { loadScene((d / "t.json").string()); });
    CHECK(contains(msg, "t.json"));
    CHECK(contains(msg, "sampler.steps"));
}

TEST_CASE("scene files: folders, FIFOs and devices are refused by name without reading",
          "[hostile][scene]") {
    const fs::path d = scratch("scene_special");
    CHECK(contains(errorOf<DataError>([&] { loadScene(d.string()); }), "is a folder"));
    REQUIRE(::mkfifo((d / "pipe.json").c_str(), 0600) == 0);
    CHECK(
        contains(errorOf<DataError>([&] { loadScene((d / "pipe.json").string()); }), "named pipe"));
    CHECK(contains(errorOf<DataError>([&] { loadScene("/dev/zero"); }),
                   "/dev/zero: cannot open the scene file (it is a device"));
    fs::create_symlink("loop.json", d / "loop.json");
    CHECK(contains(errorOf<DataError>([&] { loadScene((d / "loop.json").string()); }),
                   "loop.json: cannot open"));
    CHECK(contains(errorOf<DataError>([&] { loadScene((d / "none.json").string()); }),
                   "none.json: cannot open"));
}

TEST_CASE("mixture files: FIFOs and devices are refused by name without reading",
          "[hostile][gmm]") {
    // readGmmFile read any path to its end before this (a FIFO hung, /dev/zero grew).
    const fs::path d = scratch("gmm_special");
    REQUIRE(::mkfifo((d / "pipe.json").c_str(), 0600) == 0);
    CHECK(contains(errorOf<DataError>([&] { readGmmFile((d / "pipe.json").string()); }),
                   "named pipe"));
    CHECK(contains(errorOf<DataError>([] { readGmmFile("/dev/zero"); }),
                   "/dev/zero: cannot open the mixture file (it is a device"));
}

TEST_CASE("scene files: an over-large file is refused by its size before reading",
          "[hostile][scene]") {
    const fs::path d = scratch("scene_sparse");
    writeBytes(d / "big.json", kSceneHead);
    fs::resize_file(d / "big.json", std::uintmax_t(3) << 30); // sparse: costs no disk
    CHECK(contains(errorOf<DataError>([&] { loadScene((d / "big.json").string()); }),
                   "big.json: file is 3 GiB, larger than the 256 MiB limit"));
}

TEST_CASE("PNG folders: a symbolic-link loop named x.png is named, not a filesystem error",
          "[hostile][images]") {
    const fs::path d = scratch("png_loop");
    fs::create_symlink("x.png", d / "x.png");
    const std::string msg = errorOf<DataError>([&] { loadPngFolder(d.string(), 8); });
    CHECK(contains(msg, "x.png: cannot read it"));
    CHECK(contains(msg, "symbolic links"));
    CHECK_FALSE(contains(msg, "filesystem error"));
}

TEST_CASE("checkpoints: metadata claiming a huge network is refused before it is built",
          "[hostile][checkpoint]") {
    const fs::path d = scratch("dsm_huge");
    const std::string meta =
        R"({"format":"diffuscope-model","architecture":{"type":"mlp","dim":2,"embed":64,)"
        R"("classes":0,"width":4096,"depth":15,"activation":"silu"},"target":"eps",)"
        R"("schedule":"vp-linear","sigma_data":0.5,"normalisation":{"mean":[0,0],"scale":1},)"
        R"("dataset":"x","step":0,"seed":0,"loss":0})";
    writeBytes(d / "big.dsm", checkpointBytes(meta, 16));
    const long before = peakRssMiB();
    const std::string msg = errorOf<DataError>([&] { loadCheckpoint((d / "big.dsm").string()); });
    CHECK(contains(msg, "big.dsm: 16 weights stored, the architecture needs 235220994"));
    CHECK(contains(msg, "4096 wide x 15 deep"));
    CHECK(peakRssMiB() - before < 100); // building it would take 940 MB
}

TEST_CASE("IDX: declared sizes are checked against limits and the file before allocating",
          "[hostile][images]") {
    const fs::path d = scratch("idx_sizes");
    const long before = peakRssMiB();
    // A 20-byte header declaring 1000 images of 1000 x 1000: one GB that is not there.
    writeBytes(d / "header.idx", idxHeader({1000, 1000, 1000}));
    CHECK(contains(
        errorOf<DataError>([&] { readIdx((d / "header.idx").string()); }),
        "header.idx: truncated (the header declares 1000000000 values, the file holds 0)"));
    // One 32768 x 32768 image: over the image side limit, plain or gzip.
    writeBytes(d / "side.idx", idxHeader({1, 32768, 32768}));
    CHECK(contains(errorOf<DataError>([&] { readIdx((d / "side.idx").string()); }),
                   "side.idx: dimension 1 is 32768; an image side is at most 1024"));
    writeGzip(d / "side.idx.gz", idxHeader({1, 32768, 32768}), 1 << 20);
    CHECK(contains(errorOf<DataError>([&] { readIdx((d / "side.idx.gz").string()); }),
                   "an image side is at most 1024"));
    // A small gzip file cannot hold a gigabyte: refused from its compressed size.
    writeGzip(d / "bomb.idx.gz", idxHeader({1000, 1000, 1000}), 1 << 20);
    CHECK(
        contains(errorOf<DataError>([&] { readIdx((d / "bomb.idx.gz").string()); }), "more than"));
    CHECK(peakRssMiB() - before < 100);
    // A FIFO is refused by name, not waited on.
    REQUIRE(::mkfifo((d / "pipe.idx").c_str(), 0600) == 0);
    CHECK(contains(errorOf<DataError>([&] { readIdx((d / "pipe.idx").string()); }), "named pipe"));
}

TEST_CASE("CSV: values beyond what the maths holds are refused with file and line",
          "[hostile][csv]") {
    const fs::path d = scratch("csv_magnitude");
    writeBytes(d / "huge.csv", "x,y\n1,2\n-1e160,2\n");
    const std::string msg = errorOf<DataError>([&] { readCsv((d / "huge.csv").string()); });
    CHECK(contains(msg, "huge.csv:3: field 1 '-1e160' is too large (|x| > 1e+150"));
    writeBytes(d / "fine.csv", "x,y\n1e149,-1e149\n");
    CHECK(readCsv((d / "fine.csv").string()).values(0, 0) == 1e149);
}

TEST_CASE("CSV: a huge all-NUL file is refused after its first chunk", "[hostile][csv]") {
    const fs::path d = scratch("csv_nul");
    writeBytes(d / "nul.csv", "");
    fs::resize_file(d / "nul.csv", std::uintmax_t(1) << 30); // sparse: 1 GiB of NUL bytes
    const long before = peakRssMiB();
    CHECK(contains(errorOf<DataError>([&] { readCsv((d / "nul.csv").string()); }),
                   "nul.csv: a NUL byte at offset 0; a binary file"));
    CHECK(peakRssMiB() - before < 100);
    REQUIRE(::mkfifo((d / "pipe.csv").c_str(), 0600) == 0);
    CHECK(contains(errorOf<DataError>([&] { readCsv((d / "pipe.csv").string()); }), "named pipe"));
}

TEST_CASE("model sizes: the estimate from the specification matches the built network",
          "[hostile][budget]") {
    for (const int channels : {16, 32, 64}) {
        for (const int side : {8, 28}) {
            ModelSpec s;
            s.architecture = "unet";
            s.dim = side * side;
            s.mean.assign(std::size_t(s.dim), 0.0);
            s.channels = channels;
            const Model m(s);
            INFO("channels " << channels << ", side " << side << ": " << m.net.paramCount());
            CHECK(double(paramsAtLeast(s)) <= double(m.net.paramCount()));
            CHECK(paramsAbout(s) == Approx(double(m.net.paramCount())).epsilon(0.1));
        }
    }
    ModelSpec mlp;
    mlp.mean = {0, 0};
    mlp.width = 64;
    mlp.depth = 4;
    CHECK(paramsAtLeast(mlp) == std::uint64_t(Model(mlp).net.paramCount()));
}

TEST_CASE("IDX: only the items asked for are decompressed", "[hostile][images]") {
    const fs::path d = scratch("idx_items");
    writeGzip(d / "many.idx.gz", idxHeader({1000, 100, 100}), 1000 * 100 * 100);
    const IdxArray one = readIdx((d / "many.idx.gz").string(), 1);
    CHECK(one.dims == std::vector<std::uint32_t>{1000, 100, 100});
    CHECK(one.values.size() == 100 * 100);
    CHECK(readIdx((d / "many.idx.gz").string()).values.size() == 1000 * 100 * 100);
}
