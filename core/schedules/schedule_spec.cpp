// Schedule specs: parameter tables with each paper's defaults, parsing and printing.
#include "core/schedules/schedule_spec.hpp"

#include "core/errors.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <map>

namespace dfs {

namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

} // namespace

const std::vector<ScheduleParameter>& scheduleParameters(const std::string& name) {
    static const std::map<std::string, std::vector<ScheduleParameter>> table = {
        // Song et al. 2021, eq. 11 and App. C (DDPM's beta range, Ho et al. 2020).
        {"vp-linear",
         {{"beta_min", 0.1, 1e-4, 10, "beta(0)"}, {"beta_max", 20.0, 0.1, 100, "beta(1)"}}},
        // Nichol & Dhariwal 2021, eq. 17.
        {"cosine", {{"s", 0.008, 0.0, 0.5, "offset s"}}},
        // Song et al. 2021, eq. 30 (toy-data range; sigma_max about the data's diameter).
        {"ve",
         {{"sigma_min", 0.01, 1e-4, 10, "sigma(0+)"}, {"sigma_max", 10.0, 0.1, 1000, "sigma(1)"}}},
        // Karras et al. 2022, eq. 5 and Table 1.
        {"edm",
         {{"sigma_min", 0.002, 1e-4, 10, "sigma_min"},
          {"sigma_max", 80.0, 0.1, 1000, "sigma_max"},
          {"rho", 7.0, 1.0, 20.0, "rho"}}},
        {"rf", {}},
    };
    const auto it = table.find(name);
    if (it == table.end())
        throw UsageError(fmt::format(
            "unknown schedule '{}' (choose from vp-linear, cosine, ve, edm, rf)", name));
    return it->second;
}

double ScheduleSpec::value(const std::string& key) const {
    for (const auto& [k, v] : values)
        if (k == key) return v;
    throw std::logic_error("schedule parameter " + key + " missing");
}

ScheduleSpec parseScheduleSpec(const std::string& text) {
    const auto open = text.find('(');
    ScheduleSpec spec;
    spec.name = trim(text.substr(0, open));
    const auto& params = scheduleParameters(spec.name);
    for (const auto& p : params) spec.values.emplace_back(p.key, p.defaultValue);
    if (open == std::string::npos) return spec;
    if (text.back() != ')')
        throw UsageError(fmt::format("schedule '{}': the parameters must end with ')'", text));
    const std::string body = text.substr(open + 1, text.size() - open - 2);
    std::size_t start = 0;
    while (start < body.size()) {
        const std::size_t comma = std::min(body.find(',', start), body.size());
        const std::string item = trim(body.substr(start, comma - start));
        start = comma + 1;
        if (item.empty()) continue;
        const auto eq = item.find('=');
        const std::string key = trim(item.substr(0, eq));
        auto slot = std::find_if(spec.values.begin(), spec.values.end(),
                                 [&](const auto& kv) { return kv.first == key; });
        if (eq == std::string::npos || slot == spec.values.end()) {
            std::string keys;
            for (const auto& p : params) keys += (keys.empty() ? "" : ", ") + p.key;
            throw UsageError(fmt::format("schedule '{}': unknown parameter '{}' ({} takes {})",
                                         text, item, spec.name, keys.empty() ? "none" : keys));
        }
        const std::string num = trim(item.substr(eq + 1));
        double v = 0;
        const auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
        if (ec != std::errc() || end != num.data() + num.size() || !std::isfinite(v))
            throw UsageError(
                fmt::format("schedule '{}': {} = '{}' is not a number", text, key, num));
        const auto& p = *std::find_if(params.begin(), params.end(),
                                      [&](const auto& q) { return q.key == key; });
        if (v < p.min || v > p.max)
            throw UsageError(fmt::format("schedule '{}': {} must be in [{}, {}] (got {})", text,
                                         key, p.min, p.max, v));
        slot->second = v;
    }
    for (const char* lo : {"beta", "sigma"}) {
        const std::string a = std::string(lo) + "_min", b = std::string(lo) + "_max";
        const bool has = std::any_of(spec.values.begin(), spec.values.end(),
                                     [&](const auto& kv) { return kv.first == a; });
        if (has && !(spec.value(a) < spec.value(b)))
            throw UsageError(fmt::format("schedule '{}': {} must be below {}", text, a, b));
    }
    return spec;
}

std::string formatScheduleSpec(const ScheduleSpec& spec) {
    std::string params;
    const auto& defaults = scheduleParameters(spec.name);
    for (std::size_t i = 0; i < spec.values.size(); ++i)
        if (spec.values[i].second != defaults[i].defaultValue)
            params += fmt::format("{}{}={}", params.empty() ? "" : ", ", spec.values[i].first,
                                  spec.values[i].second);
    return params.empty() ? spec.name : spec.name + "(" + params + ")";
}

} // namespace dfs
