// Scene files as JSON: {"format": "diffuscope-scene", "version": 1, "data": {...}, ...}.
// Every key is optional except format and version; a missing key keeps its default, a key of the
// wrong type or out of range is an error naming it.
#include "core/scene/scene_io.hpp"

#include "core/datasets/gmm_file.hpp"
#include "core/errors.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/input_file.hpp"
#include "core/io/json_errors.hpp"
#include "core/parameterisation.hpp"
#include "core/scene/view_registry.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <nlohmann/json.hpp>

namespace dfs {

namespace {

using nlohmann::json;
constexpr std::size_t kMaxSceneBytes = std::size_t(1) << 28;

/// Reads optional keys of one JSON object, with errors naming `section.key`.
class Section {
public:
    Section(const json& root, const char* name, const std::string& source)
        : m_name(name), m_source(source) {
        if (!root.contains(name)) return;
        m_obj = &root.at(name);
        if (!m_obj->is_object()) fail("", "must be an object");
    }
    template <typename T> void get(const char* key, T& out) {
        if (!m_obj || !m_obj->contains(key)) return;
        const json& v = m_obj->at(key);
        try {
            if constexpr (std::is_same_v<T, std::string>) {
                if (!v.is_string()) throw std::invalid_argument("type");
            } else if constexpr (std::is_integral_v<T>) {
                if (!v.is_number_integer()) throw std::invalid_argument("type");
                if (v.is_number_unsigned()) {
                    if (v.get<std::uint64_t>() > std::uint64_t(std::numeric_limits<T>::max()))
                        throw std::invalid_argument("range");
                } else if (std::is_unsigned_v<T> ||
                           v.get<std::int64_t>() < std::int64_t(std::numeric_limits<T>::min())) {
                    throw std::invalid_argument("range");
                }
            } else if (!v.is_number()) {
                throw std::invalid_argument("type");
            }
            out = v.get<T>();
        } catch (const std::exception&) {
            fail(key, fmt::format("must be {}", kindOf<T>()));
        }
    }
    const json* raw(const char* key) const {
        return m_obj && m_obj->contains(key) ? &m_obj->at(key) : nullptr;
    }
    [[noreturn]] void fail(const char* key, const std::string& what) const {
        throw DataError(fmt::format("{}: {}{}{} {}", m_source, m_name, *key ? "." : "", key, what));
    }

private:
    template <typename T> static const char* kindOf() {
        if constexpr (std::is_same_v<T, std::string>)
            return "a string";
        else if constexpr (std::is_unsigned_v<T>)
            return "a whole number >= 0";
        else if constexpr (std::is_integral_v<T>)
            return "a whole number";
        else
            return "a number";
    }
    const char* m_name;
    const std::string& m_source;
    const json* m_obj = nullptr;
};

json pointsToJson(const Matrix& m) {
    json rows = json::array();
    for (Index r = 0; r < m.rows(); ++r) {
        json row = json::array();
        for (Index c = 0; c < m.cols(); ++c) row.push_back(m(r, c));
        rows.push_back(std::move(row));
    }
    return rows;
}

Matrix pointsFromJson(const json& j, const Section& sec) {
    if (!j.is_array() || j.empty()) sec.fail("points", "must be a non-empty array of [x, y]");
    const std::size_t dim = j.front().is_array() ? j.front().size() : 0;
    if (dim == 0) sec.fail("points", "must be an array of [x, y] rows");
    Matrix m(Index(j.size()), Index(dim));
    for (std::size_t r = 0; r < j.size(); ++r) {
        const json& row = j[r];
        if (!row.is_array() || row.size() != dim)
            sec.fail("points", fmt::format("row {} must hold {} numbers", r, dim));
        for (std::size_t c = 0; c < dim; ++c) {
            if (!row[c].is_number())
                sec.fail("points", fmt::format("row {} holds a value that is not a number", r));
            m(Index(r), Index(c)) = row[c].get<double>();
        }
    }
    return m;
}

/// One line for a JSON error: the library's text without its "[json.exception...]" prefix, any
/// quoted token cut to 40 characters, and the line of the first occurrence of that token.
std::string describeJsonError(const json::exception& e, const std::string& text,
                              const std::string& source) {
    std::string what = jsonProblem(e.what());
    std::string where = source;
    const std::size_t open = what.find('\'');
    const std::size_t close = open == std::string::npos ? open : what.find('\'', open + 1);
    if (close != std::string::npos) {
        const std::string token = what.substr(open + 1, close - open - 1);
        if (const std::size_t at = token.empty() ? text.npos : text.find(token); at != text.npos)
            where += fmt::format(":{}", 1 + std::count(text.begin(), text.begin() + at, '\n'));
        const std::string shown =
            printableToken(token) +
            (token.size() > 40 ? fmt::format(" ({} characters)", token.size()) : std::string());
        what = what.substr(0, open + 1) + shown + what.substr(close);
    }
    if (e.id == 406) what += ": a number too large for a double";
    return fmt::format("{}: not a valid scene ({})", where, printableToken(what, 240));
}

} // namespace

std::string sceneToJson(const Scene& s) {
    json data = {{"dataset", s.data.dataset},
                 {"n", s.data.n},
                 {"noise", s.data.noise},
                 {"seed", s.data.seed},
                 {"resolution", s.data.resolution}};
    if (s.data.points) data["points"] = pointsToJson(*s.data.points);
    if (!s.data.labels.empty()) data["labels"] = s.data.labels;
    if (s.data.mixture) data["mixture"] = json::parse(gmmToJson(*s.data.mixture));
    const SamplerOptions& o = s.sampler.options;
    json panes = json::array();
    for (const std::string& pane : s.view.panes) panes.push_back(pane);
    json j = {{"format", "diffuscope-scene"},
              {"version", kSceneVersion},
              {"data", data},
              {"model",
               {{"denoiser", s.model.denoiser},
                {"schedule", s.model.schedule},
                {"label", s.model.label},
                {"guidance", s.model.guidance}}},
              {"sampler",
               {{"sampler", s.sampler.sampler},
                {"steps", s.sampler.steps},
                {"spacing", s.sampler.spacing},
                {"rho", s.sampler.rho},
                {"seed", s.sampler.seed},
                {"particles", s.sampler.particles},
                {"eta", o.eta},
                {"churn", o.churn},
                {"churnTMin", o.churnTMin},
                {"churnTMax", o.churnTMax},
                {"churnNoise", o.churnNoise},
                {"snr", o.snr},
                {"correctorSteps", o.correctorSteps},
                {"langevinSteps", o.langevinSteps},
                {"langevinStep", o.langevinStep}}},
              {"view",
               {{"t", s.view.t},
                {"frame", s.view.frame},
                {"panes", panes},
                {"fieldQuantity", s.view.fieldQuantity},
                {"fieldStyle", s.view.streamlines ? "streamlines" : "arrows"},
                {"extent", s.view.extent},
                {"fieldGrid", s.view.fieldGrid},
                {"highlight", s.view.highlight},
                {"paths", s.view.paths},
                {"pathOpacity", s.view.pathOpacity},
                {"particleColour", s.view.particleColour}}}};
    if (s.view.target) j["view"]["target"] = {(*s.view.target)[0], (*s.view.target)[1]};
    if (!s.model.denoiserBelow.empty()) {
        j["model"]["denoiserBelow"] = s.model.denoiserBelow;
        // JSON has no infinity: a split above every level is written as a string.
        if (std::isinf(s.model.sigmaSplit))
            j["model"]["sigmaSplit"] = "inf";
        else
            j["model"]["sigmaSplit"] = s.model.sigmaSplit;
    }
    if (!s.title.empty()) j["title"] = s.title;
    if (!s.about.empty()) j["about"] = s.about;
    return j.dump(2) + "\n";
}

namespace {

Scene sceneFromParsed(const json& j, const std::string& source);

} // namespace

Scene sceneFromJson(const std::string& text, const std::string& source) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        throw DataError(
            fmt::format("{}: not valid JSON ({})", source, jsonSyntaxProblem(text, e.byte)));
    } catch (const json::exception& e) { // a number that overflows, ...
        throw DataError(describeJsonError(e, text, source));
    }
    try {
        return sceneFromParsed(j, source);
    } catch (const json::exception& e) { // any type error the checks below missed
        throw DataError(describeJsonError(e, text, source));
    }
}

namespace {

Scene sceneFromParsed(const json& j, const std::string& source) {
    if (!j.is_object() || !j.contains("format") || j["format"] != "diffuscope-scene")
        throw DataError(fmt::format("{}: not a Diffuscope scene (no \"format\": "
                                    "\"diffuscope-scene\")",
                                    source));
    if (!j.contains("version") || !j["version"].is_number_integer())
        throw DataError(fmt::format("{}: the scene has no integer \"version\"", source));
    const std::int64_t version = j["version"].get<std::int64_t>();
    if (version < 1 || version > kSceneVersion)
        throw DataError(fmt::format("{}: scene version {} is not supported (this program reads "
                                    "1 to {})",
                                    source, version, kSceneVersion));
    Scene s;
    for (auto [key, field] : {std::pair{"title", &s.title}, std::pair{"about", &s.about}}) {
        if (!j.contains(key)) continue;
        if (!j[key].is_string())
            throw DataError(fmt::format("{}: \"{}\" must be a string", source, key));
        *field = j[key].get<std::string>();
    }
    Section data(j, "data", source);
    data.get("dataset", s.data.dataset);
    data.get("n", s.data.n);
    data.get("noise", s.data.noise);
    data.get("seed", s.data.seed);
    data.get("resolution", s.data.resolution);
    if (const json* p = data.raw("points")) s.data.points = pointsFromJson(*p, data);
    if (const json* l = data.raw("labels")) {
        if (!l->is_array()) data.fail("labels", "must be an array of whole numbers");
        for (const json& v : *l) {
            if (!v.is_number_integer()) data.fail("labels", "must be an array of whole numbers");
            s.data.labels.push_back(v.get<int>());
        }
    }
    if (const json* m = data.raw("mixture")) {
        s.data.mixture = gmmFromJson(m->dump(), source + ": data.mixture"); // names the key
    }
    Section model(j, "model", source);
    model.get("denoiser", s.model.denoiser);
    model.get("schedule", s.model.schedule);
    model.get("label", s.model.label);
    model.get("guidance", s.model.guidance);
    model.get("denoiserBelow", s.model.denoiserBelow);
    if (const json* split = model.raw("sigmaSplit")) {
        if (split->is_string() && split->get<std::string>() == "inf")
            s.model.sigmaSplit = std::numeric_limits<double>::infinity();
        else if (split->is_number())
            s.model.sigmaSplit = split->get<double>();
        else
            model.fail("sigmaSplit", "must be a number or \"inf\"");
    }
    Section smp(j, "sampler", source);
    SamplerOptions& o = s.sampler.options;
    smp.get("sampler", s.sampler.sampler);
    smp.get("steps", s.sampler.steps);
    smp.get("spacing", s.sampler.spacing);
    smp.get("rho", s.sampler.rho);
    smp.get("seed", s.sampler.seed);
    smp.get("particles", s.sampler.particles);
    smp.get("eta", o.eta);
    smp.get("churn", o.churn);
    smp.get("churnTMin", o.churnTMin);
    smp.get("churnTMax", o.churnTMax);
    smp.get("churnNoise", o.churnNoise);
    smp.get("snr", o.snr);
    smp.get("correctorSteps", o.correctorSteps);
    smp.get("langevinSteps", o.langevinSteps);
    smp.get("langevinStep", o.langevinStep);
    Section view(j, "view", source);
    view.get("t", s.view.t);
    view.get("frame", s.view.frame);
    if (const json* p = view.raw("panes")) {
        if (!p->is_array() || p->size() != s.view.panes.size())
            view.fail("panes", "must be an array of 4 view names");
        for (std::size_t i = 0; i < s.view.panes.size(); ++i) {
            if (!(*p)[i].is_string()) view.fail("panes", "must be an array of 4 view names");
            try {
                s.view.panes[i] = findView((*p)[i].get<std::string>()).name;
            } catch (const UsageError& e) {
                view.fail("panes", e.what());
            }
        }
    }
    view.get("fieldQuantity", s.view.fieldQuantity);
    std::string style = s.view.streamlines ? "streamlines" : "arrows";
    view.get("fieldStyle", style);
    if (style != "arrows" && style != "streamlines")
        view.fail("fieldStyle", "must be \"arrows\" or \"streamlines\"");
    s.view.streamlines = style == "streamlines";
    view.get("extent", s.view.extent);
    view.get("fieldGrid", s.view.fieldGrid);
    view.get("highlight", s.view.highlight);
    view.get("paths", s.view.paths);
    view.get("pathOpacity", s.view.pathOpacity);
    if (const json* t = view.raw("target")) {
        if (!t->is_array() || t->size() != 2 || !(*t)[0].is_number() || !(*t)[1].is_number())
            view.fail("target", "must be two numbers [x, y]");
        s.view.target = std::array<double, 2>{(*t)[0].get<double>(), (*t)[1].get<double>()};
    }
    view.get("particleColour", s.view.particleColour);
    try {
        parsePrediction(s.view.fieldQuantity);
        validateScene(s);
    } catch (const UsageError& e) {
        throw DataError(fmt::format("{}: {}", source, e.what()));
    }
    return s;
}

} // namespace

Scene loadScene(const std::string& path) {
    return sceneFromJson(readRegularFile(path, kMaxSceneBytes, "scene file"), path);
}

void saveScene(const std::string& path, const Scene& scene) {
    validateScene(scene);
    writeFileAtomic(path, sceneToJson(scene));
}

} // namespace dfs
