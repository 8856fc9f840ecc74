// safetensors models: an MLP round-trips bit for bit through the PyTorch layout, and a file
// with a wrong shape, an unknown dtype, overlapping offsets, a header past the end (and the
// other kinds of damage) is refused with a DataError naming the file.
#include "core/errors.hpp"
#include "core/model/checkpoint.hpp"
#include "core/model/safetensors.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace dfs;
namespace fs = std::filesystem;

namespace {

std::string scratch(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / "diffuscope_safetensors_tests";
    fs::create_directories(dir);
    return (dir / name).string();
}

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

void spit(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

ModelSpec tinySpec() {
    ModelSpec s;
    s.dim = 2;
    s.embedDim = 4;
    s.width = 5;
    s.depth = 2;
    s.activation = Activation::GELU;
    s.target = Prediction::Eps;
    s.schedule = "vp-linear";
    s.sigmaData = 0.7;
    s.mean = {0.25, -1.5};
    s.scale = 1.75;
    return s;
}

struct Parts {
    nlohmann::json header;
    std::string buffer;
};

Parts split(const std::string& bytes) {
    std::uint64_t n = 0;
    std::memcpy(&n, bytes.data(), 8);
    return {nlohmann::json::parse(bytes.substr(8, std::size_t(n))), bytes.substr(8 + n)};
}

std::string join(const nlohmann::json& header, const std::string& buffer) {
    const std::string text = header.dump();
    std::string out(8, '\0');
    const std::uint64_t n = text.size();
    std::memcpy(out.data(), &n, 8);
    return out + text + buffer;
}

void refused(const std::string& bytes, const std::string& part) {
    const std::string path = scratch("bad.safetensors");
    spit(path, bytes);
    try {
        loadCheckpoint(path);
        FAIL("accepted: " << part);
    } catch (const DataError& e) {
        INFO(e.what());
        CHECK(std::string(e.what()).find(path) != std::string::npos);
        CHECK(std::string(e.what()).find(part) != std::string::npos);
    }
}

} // namespace

TEST_CASE("safetensors: an MLP round-trips with its architecture, target and conditioning",
          "[safetensors]") {
    Model model(tinySpec());
    model.net.initialise(7);
    const std::string path = scratch("m.safetensors");
    REQUIRE(isCheckpointPath(path));
    saveCheckpoint(path, model, {"moons", 12, 3, 0.25});
    CheckpointInfo info;
    const auto back = loadCheckpoint(path, &info);
    CHECK(back->net.params() == model.net.params());
    CHECK(back->spec.activation == Activation::GELU);
    CHECK(back->spec.target == Prediction::Eps);
    CHECK(back->spec.schedule == "vp-linear");
    CHECK(back->spec.sigmaData == 0.7);
    CHECK(back->spec.mean == std::vector<double>{0.25, -1.5});
    CHECK(back->spec.scale == 1.75);
    CHECK(info.dataset == "moons");
    CHECK(info.step == 12);

    // torch.nn.Linear's layout: weight [out, in] row-major; W_0 is 5 x (2 + 4) column-major.
    const Parts p = split(slurp(path));
    CHECK(p.header["layers.0.weight"]["shape"] == nlohmann::json({5, 6}));
    CHECK(p.header["layers.2.bias"]["shape"] == nlohmann::json({2}));
    CHECK(p.header["__metadata__"]["target"] == "eps");
    float w01;
    std::memcpy(&w01, p.buffer.data() + 4, 4); // weight[0][1]
    CHECK(w01 == model.net.params()[5]);       // column 1, row 0 of the column-major W_0

    // The same weights as F64 load to the same floats.
    nlohmann::json h = p.header;
    std::string f64;
    std::size_t at = 0;
    for (int l = 0; l < 3; ++l)
        for (const char* what : {"weight", "bias"}) {
            auto& t = h[fmt::format("layers.{}.{}", l, what)];
            const auto b = t["data_offsets"][0].get<std::size_t>();
            const auto e = t["data_offsets"][1].get<std::size_t>();
            for (std::size_t k = b; k < e; k += 4) {
                float f;
                std::memcpy(&f, p.buffer.data() + k, 4);
                const double d = f;
                f64.append(reinterpret_cast<const char*>(&d), 8);
            }
            t["dtype"] = "F64";
            t["data_offsets"] = nlohmann::json::array({at, f64.size()});
            at = f64.size();
        }
    spit(scratch("f64.safetensors"), join(h, f64));
    CHECK(loadCheckpoint(scratch("f64.safetensors"))->net.params() == model.net.params());
}

TEST_CASE("safetensors: damaged or inconsistent files are refused naming the file",
          "[safetensors]") {
    Model model(tinySpec());
    model.net.initialise(1);
    const std::string path = scratch("good.safetensors");
    saveCheckpoint(path, model, {});
    const std::string good = slurp(path);
    for (std::size_t n = 0; n < good.size(); n += 3) {
        spit(scratch("cut.safetensors"), good.substr(0, n));
        INFO(n);
        CHECK_THROWS_AS(loadCheckpoint(scratch("cut.safetensors")), DataError);
    }
    const Parts p = split(good);
    const auto with = [&](const auto& change) {
        nlohmann::json h = p.header;
        change(h);
        return join(h, p.buffer);
    };
    refused(with([](nlohmann::json& h) {
                h["layers.0.weight"]["shape"] = {6, 5};
            }),
            "has shape [6,5], the architecture needs [5,6]");
    refused(with([](nlohmann::json& h) { h["layers.1.bias"]["dtype"] = "F33"; }),
            "unknown dtype 'F33'");
    refused(with([](nlohmann::json& h) { h["layers.1.bias"]["dtype"] = "F16"; }),
            "F16 is not supported");
    refused(with([](nlohmann::json& h) {
                h["layers.0.bias"]["data_offsets"] = h["layers.0.weight"]["data_offsets"];
                h["layers.0.bias"]["shape"] = {30};
            }),
            "overlaps");
    refused(with([](nlohmann::json& h) {
                const auto e = h["layers.2.bias"]["data_offsets"][1].get<std::size_t>();
                h["layers.2.bias"]["data_offsets"] = nlohmann::json::array({e - 8, e + 8});
                h["layers.2.bias"]["shape"] = {4};
            }),
            "outside");
    refused(with([](nlohmann::json& h) { h.erase("layers.1.weight"); }), "hole");
    refused(with([](nlohmann::json& h) { h["__metadata__"].erase("sigma_data"); }), "'sigma_data'");
    refused(with([](nlohmann::json& h) { h["__metadata__"]["depth"] = "3"; }), "needs [5,5]");
    refused(with([](nlohmann::json& h) { h["__metadata__"]["width"] = "five"; }), "'width'");
    refused(with([](nlohmann::json& h) { h["__metadata__"]["target"] = "noise"; }),
            "invalid metadata");
    refused(with([](nlohmann::json& h) { h["__metadata__"]["architecture"] = "unet"; }),
            "only mlp");
    refused(with([](nlohmann::json& h) { h["__metadata__"]["format_version"] = "2"; }),
            "version '2'");
    std::string past = good; // the header length points past the end of the file
    const std::uint64_t n = good.size();
    std::memcpy(past.data(), &n, 8);
    refused(past, "past the end");
    refused(good + "abcd", "belong to no tensor");
    std::string nan = good;
    const float bad = std::nanf("");
    std::memcpy(nan.data() + nan.size() - 4, &bad, 4);
    refused(nan, "NaN");
    refused(join(nlohmann::json::array({1, 2}), ""), "not a JSON object");
    // A number past double's range in the header (fuzz_safetensors found it escaping as the
    // JSON library's out_of_range exception): refused as bad JSON, without the library's code.
    const std::string overflow = R"({"layers.0.bias":{"dtype":"F32","shape":[1e999]}})";
    std::string lengthBytes(8, '\0');
    const std::uint64_t overflowLength = overflow.size();
    std::memcpy(lengthBytes.data(), &overflowLength, 8);
    refused(lengthBytes + overflow, "not valid JSON, number overflow");

    ModelSpec unet = tinySpec();
    unet.architecture = "unet";
    unet.dim = 64;
    unet.mean.assign(64, 0.0);
    unet.channels = 8;
    unet.groups = 4;
    unet.attention = false;
    CHECK_THROWS_WITH(saveCheckpoint(scratch("u.safetensors"), Model(unet), {}),
                      Catch::Contains("only MLP models"));
}
