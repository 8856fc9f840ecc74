// Checkpoints: a saved model loads back bit for bit; every kind of damage (truncation at any
// byte, a flipped bit, wrong magic or version, metadata that disagrees with the weights) is a
// DataError naming the file, and a failed save keeps the previous file.
#include "core/datasets/dataset_registry.hpp"
#include "core/errors.hpp"
#include "core/io/atomic_file.hpp"
#include "core/model/checkpoint.hpp"
#include "core/training/trainer.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace dfs;
namespace fs = std::filesystem;

namespace {

std::string scratch(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / "diffuscope_checkpoint_tests";
    fs::create_directories(dir);
    return (dir / name).string();
}

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

std::shared_ptr<Model> smallModel() {
    TrainConfig c;
    c.model.width = 8;
    c.model.depth = 2;
    c.model.embedDim = 4;
    c.batch = 16;
    c.adam.totalSteps = 3;
    Trainer t(makeDataset("gmm8", {200, -1, 0}), c);
    t.train(3);
    return t.snapshot();
}

std::string loadError(const std::string& path) {
    try {
        loadCheckpoint(path);
    } catch (const DataError& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("checkpoint: save and load round-trip", "[checkpoint]") {
    const auto model = smallModel();
    const std::string path = scratch("round.dsm");
    saveCheckpoint(path, *model, {"gmm8", 3, 42, 0.5});
    CheckpointInfo info;
    const auto back = loadCheckpoint(path, &info);
    CHECK(back->net.params() == model->net.params());
    CHECK(back->spec.width == 8);
    CHECK(back->spec.embedDim == 4);
    CHECK(back->spec.target == model->spec.target);
    CHECK(back->spec.schedule == model->spec.schedule);
    CHECK(back->spec.mean == model->spec.mean);
    CHECK(back->spec.scale == model->spec.scale);
    CHECK(info.dataset == "gmm8");
    CHECK(info.step == 3);
    CHECK(info.seed == 42);
}

TEST_CASE("checkpoint: every truncation and a flipped byte are refused", "[checkpoint]") {
    const auto model = smallModel();
    const std::string good = scratch("good.dsm"), bad = scratch("bad.dsm");
    saveCheckpoint(good, *model, {});
    const std::string bytes = slurp(good);
    for (std::size_t n = 0; n < bytes.size(); n += (n < 64 ? 1 : 97)) {
        writeFileAtomic(bad, bytes.substr(0, n));
        const std::string e = loadError(bad);
        INFO("truncated to " << n << " bytes: " << e);
        CHECK(e.find(bad) != std::string::npos);
    }
    for (std::size_t at : {std::size_t(9), std::size_t(20), bytes.size() / 2, bytes.size() - 3}) {
        std::string flipped = bytes;
        flipped[at] = char(flipped[at] ^ 0x10);
        writeFileAtomic(bad, flipped);
        CHECK_FALSE(loadError(bad).empty());
    }
    writeFileAtomic(bad, bytes + "x");
    CHECK(loadError(bad).find("unexpected bytes") != std::string::npos);
    std::string magic = bytes;
    magic[0] = 'X';
    writeFileAtomic(bad, magic);
    CHECK(loadError(bad).find("not a Diffuscope model") != std::string::npos);
    CHECK(loadError(scratch("missing.dsm")).find("cannot open") != std::string::npos);
}

TEST_CASE("checkpoint: a newer version is named, not misread", "[checkpoint]") {
    const auto model = smallModel();
    const std::string path = scratch("version.dsm");
    saveCheckpoint(path, *model, {});
    std::string bytes = slurp(path);
    bytes[8] = 2; // version field, little-endian
    writeFileAtomic(path, bytes);
    CHECK(loadError(path).find("version 2") != std::string::npos);
}

namespace {

/// Rewrites a checkpoint's metadata and recomputes its checksum (FNV-1a 64, as documented).
std::string withMetadata(const std::string& bytes, const std::string& from, const std::string& to) {
    std::string b = bytes;
    const std::size_t at = b.find(from);
    REQUIRE(at != std::string::npos);
    REQUIRE(from.size() == to.size()); // keeps the length field valid
    b.replace(at, from.size(), to);
    b.resize(b.size() - 8);
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : b) h = (h ^ c) * 0x100000001b3ull;
    for (int i = 0; i < 8; ++i) b.push_back(char((h >> (8 * i)) & 0xff));
    return b;
}

} // namespace

TEST_CASE("checkpoint: metadata that disagrees with the weights is refused", "[checkpoint]") {
    const auto model = smallModel();
    const std::string path = scratch("shape.dsm"), bad = scratch("shape_bad.dsm");
    saveCheckpoint(path, *model, {});
    const std::string bytes = slurp(path);
    writeFileAtomic(bad, withMetadata(bytes, "\"width\":8", "\"width\":9"));
    CHECK(loadError(bad).find("the architecture needs") != std::string::npos);
    writeFileAtomic(bad, withMetadata(bytes, "\"activation\":\"silu\"", "\"activation\":\"tanh\""));
    CHECK(loadError(bad).find("invalid metadata") != std::string::npos);
    writeFileAtomic(bad, withMetadata(bytes, "\"target\":", "\"targ_t\":"));
    CHECK(loadError(bad).find("malformed metadata") != std::string::npos);
    CHECK(loadError(bad).find("key 'target' not found") != std::string::npos);
    CHECK(loadError(bad).find("json.exception") == std::string::npos); // the library's code
    writeFileAtomic(bad, withMetadata(bytes, "\"target\":", "\"target\"}"));
    CHECK(loadError(bad).find("not valid JSON, line 1") != std::string::npos);
    CHECK(loadError(bad).find("json.exception") == std::string::npos);
}

TEST_CASE("checkpoint: a save that does not complete keeps the previous file", "[checkpoint]") {
    const auto model = smallModel();
    // Its own folder: ctest runs the other checkpoint tests in parallel, with their own temps.
    const fs::path dir = fs::path(scratch("keep"));
    fs::create_directories(dir);
    const std::string path = (dir / "keep.dsm").string();
    saveCheckpoint(path, *model, {});
    const std::string before = slurp(path);
    {
        AtomicFile interrupted(path); // the mechanism under saveCheckpoint, stopped half-way
        interrupted.write(before.substr(0, before.size() / 2));
    } // destroyed without commit(), as when an exception unwinds through a save
    CHECK(slurp(path) == before);
    for (const auto& e : fs::directory_iterator(dir))
        CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
    CHECK_THROWS_AS(saveCheckpoint(scratch("no/such/dir.dsm"), *model, {}), DataError);
}
