// safetensors writing and validated loading of MLP models.
#include "core/model/safetensors.hpp"

#include "core/errors.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/file_names.hpp"
#include "core/io/input_file.hpp"
#include "core/io/json_errors.hpp"
#include "core/model/model_size.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

namespace dfs {

namespace {

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");

constexpr std::uintmax_t kMaxFile = std::uintmax_t(1) << 31;
/// The reference implementation's limit on the header (safetensors' MAX_HEADER_SIZE).
constexpr std::uint64_t kMaxHeader = 100'000'000;
constexpr const char* kFormat = "diffuscope-model";
constexpr const char* kFormatVersion = "1";

/// The dtypes of the safetensors README; only F32 and F64 are read.
constexpr const char* kKnownDtypes[] = {"BOOL", "U8",   "I8",  "I16",     "U16",
                                        "F16",  "BF16", "I32", "U32",     "F32",
                                        "F64",  "I64",  "U64", "F8_E4M3", "F8_E5M2"};

std::string layerName(int l, const char* what) {
    return fmt::format("layers.{}.{}", l, what);
}

template <typename T>
T number(const std::string& s, const std::string& key, const std::string& path) {
    T v{};
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty())
        throw DataError(fmt::format("{}: metadata '{}' is not a number (got '{}')", path, key,
                                    printableToken(s)));
    return v;
}

} // namespace

bool isSafetensorsPath(const std::string& path) {
    return lowercaseExtension(path) == ".safetensors";
}

void saveSafetensors(const std::string& path, const Model& model, const CheckpointInfo& info) {
    const ModelSpec& s = model.spec;
    const Mlp* mlp = model.net.mlp();
    if (s.architecture != "mlp" || !mlp)
        throw UsageError(fmt::format("{}: only MLP models are written as safetensors (this model "
                                     "is a {}; keep it as .dsm)",
                                     path, s.architecture));
    nlohmann::json meta = {{"format", kFormat},
                           {"format_version", kFormatVersion},
                           {"architecture", "mlp"},
                           {"dim", std::to_string(s.dim)},
                           {"embed", std::to_string(s.embedDim)},
                           {"classes", std::to_string(s.classes)},
                           {"width", std::to_string(s.width)},
                           {"depth", std::to_string(s.depth)},
                           {"activation", activationName(s.activation)},
                           {"target", predictionName(s.target)},
                           {"schedule", s.schedule},
                           {"sigma_data", fmt::format("{}", s.sigmaData)},
                           {"normalisation_mean", nlohmann::json(s.mean).dump()},
                           {"normalisation_scale", fmt::format("{}", s.scale)},
                           {"dataset", info.dataset},
                           {"step", std::to_string(info.step)},
                           {"seed", std::to_string(info.seed)},
                           {"loss", fmt::format("{}", std::isfinite(info.loss) ? info.loss : 0.0)}};
    nlohmann::json header = {{"__metadata__", meta}};
    // Parameters per layer: W_l (out x in, column-major) then b_l (mlp_kernels.hpp); torch's
    // nn.Linear keeps weight as [out, in] row-major, so W is transposed on the way out.
    const MlpShape& shape = mlp->shape();
    const float* p = mlp->params().data();
    std::string buffer;
    for (int l = 0; l < shape.layers; ++l) {
        const int in = shape.dims[l], out = shape.dims[l + 1];
        const std::size_t begin = buffer.size();
        for (int i = 0; i < out; ++i)
            for (int j = 0; j < in; ++j)
                buffer.append(reinterpret_cast<const char*>(p + std::size_t(j) * out + i), 4);
        header[layerName(l, "weight")] = {
            {"dtype", "F32"}, {"shape", {out, in}}, {"data_offsets", {begin, buffer.size()}}};
        p += std::size_t(out) * in;
        const std::size_t biasAt = buffer.size();
        buffer.append(reinterpret_cast<const char*>(p), std::size_t(out) * 4);
        header[layerName(l, "bias")] = {
            {"dtype", "F32"}, {"shape", {out}}, {"data_offsets", {biasAt, buffer.size()}}};
        p += out;
    }
    std::string json = header.dump();
    json.append((8 - json.size() % 8) % 8, ' '); // the README allows trailing spaces
    std::string bytes(8, '\0');
    const std::uint64_t n = json.size();
    for (int k = 0; k < 8; ++k) bytes[std::size_t(k)] = char((n >> (8 * k)) & 0xff);
    bytes += json;
    bytes += buffer;
    writeFileAtomic(path, bytes);
}

std::shared_ptr<Model> loadSafetensors(const std::string& path, CheckpointInfo* info) {
    const std::string bytes = readRegularFile(path, kMaxFile, "model file");
    if (bytes.size() < 8)
        throw DataError(fmt::format("{}: truncated (no 8-byte header length)", path));
    std::uint64_t n = 0;
    for (int k = 7; k >= 0; --k) n = n << 8 | static_cast<unsigned char>(bytes[std::size_t(k)]);
    if (n > kMaxHeader)
        throw DataError(
            fmt::format("{}: header length {} is over the {} bytes allowed", path, n, kMaxHeader));
    if (n > bytes.size() - 8)
        throw DataError(fmt::format("{}: the header ({} bytes) runs past the end of the file "
                                    "({} bytes)",
                                    path, n, bytes.size()));
    const std::string text = bytes.substr(8, std::size_t(n));
    const std::size_t bufferAt = 8 + std::size_t(n);
    const std::uint64_t bufferSize = bytes.size() - bufferAt;

    nlohmann::json header;
    try {
        header = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        throw DataError(fmt::format("{}: malformed header (not valid JSON, {})", path,
                                    jsonSyntaxProblem(text, e.byte)));
    } catch (const nlohmann::json::exception& e) { // a number that overflows double: 1e999
        throw DataError(
            fmt::format("{}: malformed header (not valid JSON, {})", path, jsonProblem(e.what())));
    }
    if (!header.is_object() || text.empty() || text[0] != '{')
        throw DataError(fmt::format("{}: the header is not a JSON object", path));

    // Metadata: a string -> string map.
    std::map<std::string, std::string> meta;
    if (header.contains("__metadata__")) {
        const auto& m = header["__metadata__"];
        if (!m.is_object()) throw DataError(fmt::format("{}: __metadata__ is not an object", path));
        for (const auto& [k, v] : m.items()) {
            if (!v.is_string())
                throw DataError(fmt::format("{}: metadata '{}' is not a string", path, k));
            meta[k] = v.get<std::string>();
        }
    }
    const auto need = [&](const char* key) -> const std::string& {
        const auto it = meta.find(key);
        if (it == meta.end())
            throw DataError(fmt::format("{}: metadata '{}' is missing (a Diffuscope model's "
                                        "safetensors carry its architecture, target and "
                                        "conditioning in __metadata__)",
                                        path, key));
        return it->second;
    };
    if (need("format") != kFormat)
        throw DataError(fmt::format("{}: metadata format '{}' (expected '{}')", path,
                                    printableToken(need("format")), kFormat));
    if (need("format_version") != kFormatVersion)
        throw DataError(fmt::format("{}: model format version '{}' (this build reads version {})",
                                    path, printableToken(need("format_version")), kFormatVersion));
    if (need("architecture") != "mlp")
        throw DataError(fmt::format("{}: architecture '{}' (only mlp is read from safetensors)",
                                    path, printableToken(need("architecture"))));
    ModelSpec s;
    CheckpointInfo facts;
    try {
        s.architecture = "mlp";
        s.dim = number<int>(need("dim"), "dim", path);
        s.embedDim = number<int>(need("embed"), "embed", path);
        s.classes = number<int>(need("classes"), "classes", path);
        s.width = number<int>(need("width"), "width", path);
        s.depth = number<int>(need("depth"), "depth", path);
        s.activation = parseActivation(need("activation"));
        s.target = parseTrainTarget(need("target"));
        s.schedule = need("schedule");
        s.sigmaData = number<double>(need("sigma_data"), "sigma_data", path);
        s.scale = number<double>(need("normalisation_scale"), "normalisation_scale", path);
        const std::string& mean = need("normalisation_mean");
        try {
            s.mean = nlohmann::json::parse(mean).get<std::vector<double>>();
        } catch (const nlohmann::json::exception&) {
            throw DataError(fmt::format("{}: metadata 'normalisation_mean' is not a JSON array of "
                                        "numbers (got '{}')",
                                        path, printableToken(mean)));
        }
        if (meta.count("dataset")) facts.dataset = meta["dataset"];
        if (meta.count("step")) facts.step = number<long>(meta["step"], "step", path);
        if (meta.count("seed")) facts.seed = number<std::uint64_t>(meta["seed"], "seed", path);
        if (meta.count("loss")) facts.loss = number<double>(meta["loss"], "loss", path);
        s.validate();
    } catch (const UsageError& e) {
        throw DataError(fmt::format("{}: invalid metadata: {}", path, e.what()));
    }

    // The tensors: each {dtype, shape, data_offsets}, covering the buffer exactly.
    struct Span {
        std::uint64_t begin, end;
        std::string name;
    };
    std::vector<Span> spans;
    std::map<std::string, std::pair<std::string, std::vector<std::uint64_t>>> tensors;
    for (const auto& [name, t] : header.items()) {
        if (name == "__metadata__") continue;
        const std::string where = fmt::format("{}: tensor '{}'", path, printableToken(name));
        if (!t.is_object() || t.size() != 3 || !t.contains("dtype") || !t.contains("shape") ||
            !t.contains("data_offsets"))
            throw DataError(where + " must have exactly dtype, shape and data_offsets");
        const auto& dt = t["dtype"];
        const auto& sh = t["shape"];
        const auto& off = t["data_offsets"];
        if (!dt.is_string()) throw DataError(where + ": dtype is not a string");
        const std::string dtype = dt.get<std::string>();
        if (std::find_if(std::begin(kKnownDtypes), std::end(kKnownDtypes),
                         [&](const char* k) { return dtype == k; }) == std::end(kKnownDtypes))
            throw DataError(fmt::format("{}: unknown dtype '{}'", where, printableToken(dtype)));
        if (dtype != "F32" && dtype != "F64")
            throw DataError(
                fmt::format("{}: dtype {} is not supported (F32 or F64 only)", where, dtype));
        if (!sh.is_array() || sh.size() > 8) throw DataError(where + ": shape is not an array");
        std::vector<std::uint64_t> shape;
        std::uint64_t count = 1;
        for (const auto& d : sh) {
            if (!d.is_number_unsigned() || d.get<std::uint64_t>() > bufferSize)
                throw DataError(where + ": shape holds something other than a size");
            shape.push_back(d.get<std::uint64_t>());
            count *= shape.back(); // each factor <= the buffer size; the product is checked below
            if (count > bufferSize) break;
        }
        if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() ||
            !off[1].is_number_unsigned())
            throw DataError(where + ": data_offsets is not [BEGIN, END]");
        const std::uint64_t b = off[0].get<std::uint64_t>(), e = off[1].get<std::uint64_t>();
        if (b > e || e > bufferSize)
            throw DataError(fmt::format("{}: data_offsets [{}, {}] lie outside the {}-byte buffer",
                                        where, b, e, bufferSize));
        const std::uint64_t item = dtype == "F32" ? 4 : 8;
        if (count > bufferSize || count * item != e - b)
            throw DataError(fmt::format("{}: shape {} of {} needs {} bytes, data_offsets give {}",
                                        where, sh.dump(), dtype,
                                        count > bufferSize ? std::string("more than the buffer's")
                                                           : std::to_string(count * item),
                                        e - b));
        spans.push_back({b, e, name});
        tensors[name] = {dtype, shape};
    }
    std::sort(spans.begin(), spans.end(),
              [](const Span& a, const Span& b) { return a.begin < b.begin; });
    std::uint64_t covered = 0;
    for (const Span& sp : spans) {
        if (sp.begin < covered)
            throw DataError(fmt::format("{}: tensor '{}' overlaps the tensor before it", path,
                                        printableToken(sp.name)));
        if (sp.begin > covered)
            throw DataError(fmt::format("{}: a hole in the buffer before tensor '{}' (bytes {} to "
                                        "{} belong to no tensor)",
                                        path, printableToken(sp.name), covered, sp.begin));
        covered = sp.end;
    }
    if (covered != bufferSize)
        throw DataError(fmt::format("{}: {} bytes after the last tensor belong to no tensor", path,
                                    bufferSize - covered));

    auto model = std::make_shared<Model>(s);
    const Mlp* mlp = model->net.mlp();
    const MlpShape& shape = mlp->shape();
    if (tensors.size() != std::size_t(2 * shape.layers)) {
        for (const auto& [name, t] : tensors) {
            bool known = false;
            for (int l = 0; l < shape.layers; ++l)
                known = known || name == layerName(l, "weight") || name == layerName(l, "bias");
            if (!known)
                throw DataError(fmt::format("{}: unknown tensor '{}' ({})", path,
                                            printableToken(name), architectureText(s)));
        }
    }
    float* p = model->net.params().data();
    const auto copy = [&](const std::string& name, std::vector<std::uint64_t> want,
                          bool transpose) {
        const auto it = tensors.find(name);
        if (it == tensors.end())
            throw DataError(fmt::format("{}: tensor '{}' is missing", path, name));
        const auto& [dtype, shape] = it->second;
        if (shape != want)
            throw DataError(fmt::format("{}: tensor '{}' has shape {}, the architecture needs {}",
                                        path, name, nlohmann::json(shape).dump(),
                                        nlohmann::json(want).dump()));
        const Span& sp = *std::find_if(spans.begin(), spans.end(),
                                       [&](const Span& x) { return x.name == name; });
        const char* src = bytes.data() + bufferAt + sp.begin;
        const std::size_t rows = std::size_t(want[0]), cols = want.size() > 1 ? want[1] : 1;
        for (std::size_t i = 0; i < rows; ++i)
            for (std::size_t j = 0; j < cols; ++j) {
                const std::size_t k = i * cols + j;
                double v;
                if (dtype == "F32") {
                    float f;
                    std::memcpy(&f, src + 4 * k, 4);
                    v = f;
                } else {
                    std::memcpy(&v, src + 8 * k, 8);
                }
                if (!std::isfinite(v) || std::abs(v) > std::numeric_limits<float>::max())
                    throw DataError(fmt::format("{}: tensor '{}' holds a NaN, infinite or "
                                                "out-of-range weight",
                                                path, name));
                // torch [out, in] row-major -> W (out x in) column-major.
                p[transpose ? j * rows + i : k] = float(v);
            }
        p += rows * cols;
    };
    for (int l = 0; l < shape.layers; ++l) {
        const auto in = std::uint64_t(shape.dims[l]), out = std::uint64_t(shape.dims[l + 1]);
        copy(layerName(l, "weight"), {out, in}, true);
        copy(layerName(l, "bias"), {out}, false);
    }
    if (info) *info = facts;
    return model;
}

} // namespace dfs
