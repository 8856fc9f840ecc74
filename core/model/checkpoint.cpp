// Checkpoint writing and validated loading.
#include "core/model/checkpoint.hpp"

#include "core/errors.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/input_file.hpp"
#include "core/io/json_errors.hpp"
#include "core/model/model_size.hpp"
#include "core/model/safetensors.hpp"

#include <bit>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace dfs {

namespace {

constexpr char kMagic[8] = {'D', 'S', 'M', 'O', 'D', 'E', 'L', '\n'};
constexpr std::uint32_t kMaxJson = 1u << 20;
constexpr std::uintmax_t kMaxFile = std::uintmax_t(1) << 31;

static_assert(std::endian::native == std::endian::little, "checkpoints are little-endian");

std::uint64_t fnv1a(const std::string& bytes) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ull;
    return h;
}

template <typename T> void put(std::string& s, T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    s.append(b, sizeof(T));
}

struct Reader {
    const std::string& bytes;
    const std::string& path;
    std::size_t pos = 0;
    template <typename T> T get(const char* what) {
        if (bytes.size() - pos < sizeof(T))
            throw DataError(fmt::format("{}: truncated (ends inside the {})", path, what));
        T v;
        std::memcpy(&v, bytes.data() + pos, sizeof(T));
        pos += sizeof(T);
        return v;
    }
};

} // namespace

bool isCheckpointPath(const std::string& name) {
    return (name.size() > 4 && name.compare(name.size() - 4, 4, ".dsm") == 0) ||
           isSafetensorsPath(name);
}

namespace {

nlohmann::json architectureJson(const ModelSpec& s) {
    nlohmann::json a = {
        {"type", s.architecture}, {"dim", s.dim}, {"embed", s.embedDim}, {"classes", s.classes}};
    if (s.architecture == "unet") {
        a["channels"] = s.channels;
        a["groups"] = s.groups;
        a["attention"] = s.attention;
    } else {
        a["width"] = s.width;
        a["depth"] = s.depth;
        a["activation"] = activationName(s.activation);
    }
    return a;
}

} // namespace

void saveCheckpoint(const std::string& path, const Model& model, const CheckpointInfo& info) {
    if (isSafetensorsPath(path)) return saveSafetensors(path, model, info);
    const ModelSpec& s = model.spec;
    nlohmann::json j = {{"format", "diffuscope-model"},
                        {"architecture", architectureJson(s)},
                        {"target", predictionName(s.target)},
                        {"schedule", s.schedule},
                        {"sigma_data", s.sigmaData},
                        {"normalisation", {{"mean", s.mean}, {"scale", s.scale}}},
                        {"dataset", info.dataset},
                        {"step", info.step},
                        {"seed", info.seed},
                        {"loss", std::isfinite(info.loss) ? info.loss : 0.0}};
    const std::string meta = j.dump();
    std::string bytes(kMagic, sizeof(kMagic));
    put<std::uint32_t>(bytes, kCheckpointVersion);
    put<std::uint32_t>(bytes, std::uint32_t(meta.size()));
    bytes += meta;
    const auto& w = model.net.params();
    put<std::uint64_t>(bytes, w.size());
    bytes.append(reinterpret_cast<const char*>(w.data()), w.size() * sizeof(float));
    put<std::uint64_t>(bytes, fnv1a(bytes));
    writeFileAtomic(path, bytes);
}

std::shared_ptr<Model> loadCheckpoint(const std::string& path, CheckpointInfo* info) {
    if (isSafetensorsPath(path)) return loadSafetensors(path, info);
    const std::string bytes = readRegularFile(path, kMaxFile, "model file");

    Reader r{bytes, path};
    if (bytes.size() < sizeof(kMagic) || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0)
        throw DataError(fmt::format("{}: not a Diffuscope model (bad magic bytes)", path));
    r.pos = sizeof(kMagic);
    const auto version = r.get<std::uint32_t>("version");
    if (version != kCheckpointVersion)
        throw DataError(fmt::format("{}: model format version {} (this build reads version {})",
                                    path, version, kCheckpointVersion));
    const auto metaLen = r.get<std::uint32_t>("metadata length");
    if (metaLen > kMaxJson || bytes.size() - r.pos < metaLen)
        throw DataError(fmt::format("{}: truncated or corrupt metadata length", path));
    const std::string meta = bytes.substr(r.pos, metaLen);
    r.pos += metaLen;
    const auto count = r.get<std::uint64_t>("weight count");
    if (count > (bytes.size() - r.pos) / sizeof(float))
        throw DataError(fmt::format("{}: truncated (weights end early)", path));
    const std::size_t weightsAt = r.pos;
    r.pos += count * sizeof(float);
    const std::size_t hashAt = r.pos;
    const auto stored = r.get<std::uint64_t>("checksum");
    if (r.pos != bytes.size())
        throw DataError(
            fmt::format("{}: {} unexpected bytes after the checksum", path, bytes.size() - r.pos));
    if (fnv1a(bytes.substr(0, hashAt)) != stored)
        throw DataError(fmt::format("{}: checksum mismatch (the file is corrupted)", path));

    ModelSpec s;
    CheckpointInfo facts;
    try {
        const auto j = nlohmann::json::parse(meta);
        const auto& a = j.at("architecture");
        s.architecture = a.at("type").get<std::string>();
        if (s.architecture != "mlp" && s.architecture != "unet")
            throw DataError(fmt::format("{}: unknown architecture '{}'", path, s.architecture));
        s.dim = a.at("dim").get<int>();
        s.embedDim = a.at("embed").get<int>();
        s.classes = a.at("classes").get<int>();
        if (s.architecture == "unet") {
            s.channels = a.at("channels").get<int>();
            s.groups = a.at("groups").get<int>();
            s.attention = a.value("attention", false); // files from before it existed had none
        } else {
            s.width = a.at("width").get<int>();
            s.depth = a.at("depth").get<int>();
            s.activation = parseActivation(a.at("activation").get<std::string>());
        }
        s.target = parseTrainTarget(j.at("target").get<std::string>());
        s.schedule = j.at("schedule").get<std::string>();
        s.sigmaData = j.at("sigma_data").get<double>();
        s.mean = j.at("normalisation").at("mean").get<std::vector<double>>();
        s.scale = j.at("normalisation").at("scale").get<double>();
        facts.dataset = j.value("dataset", "");
        facts.step = j.value("step", 0L);
        facts.seed = j.value("seed", std::uint64_t(0));
        facts.loss = j.value("loss", 0.0);
        s.validate();
    } catch (const nlohmann::json::parse_error& e) {
        throw DataError(fmt::format("{}: malformed metadata (not valid JSON, {})", path,
                                    jsonSyntaxProblem(meta, e.byte)));
    } catch (const nlohmann::json::exception& e) {
        throw DataError(fmt::format("{}: malformed metadata ({})", path, jsonProblem(e.what())));
    } catch (const UsageError& e) {
        throw DataError(fmt::format("{}: invalid metadata: {}", path, e.what()));
    }
    // Before anything is allocated: the stored weights must be as many as the metadata's
    // architecture needs (the stored count is already bounded by the file's size).
    const std::uint64_t needs = paramsAtLeast(s);
    if (count < needs || (s.architecture == "mlp" && count != needs))
        throw DataError(fmt::format("{}: {} weights stored, the architecture needs {}{} ({})", path,
                                    count, s.architecture == "mlp" ? "" : "at least ", needs,
                                    architectureText(s)));
    auto model = std::make_shared<Model>(s);
    if (std::uint64_t(model->net.paramCount()) != count)
        throw DataError(fmt::format("{}: {} weights stored, the architecture needs {}", path, count,
                                    model->net.paramCount()));
    std::memcpy(model->net.params().data(), bytes.data() + weightsAt, count * sizeof(float));
    for (float v : model->net.params())
        if (!std::isfinite(v))
            throw DataError(fmt::format("{}: a weight is NaN or infinite", path));
    if (info) *info = facts;
    return model;
}

} // namespace dfs
