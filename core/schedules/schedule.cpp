// Shared schedule logic: log-SNR, its bisection inverse, grid bounds, and the registry.
#include "core/schedules/schedule.hpp"

#include "core/errors.hpp"
#include "core/schedules/builtin_schedules.hpp"
#include "core/schedules/schedule_spec.hpp"

#include <cmath>
#include <fmt/format.h>
#include <limits>

namespace dfs {

double NoiseLevel::halfLogSnr() const {
    if (sigma <= 0) return std::numeric_limits<double>::infinity();
    return std::log(alpha) - std::log(sigma);
}

double Schedule::logSnr(double t) const {
    const double s = sigma(t);
    if (s <= 0) return std::numeric_limits<double>::infinity();
    return 2.0 * (std::log(alpha(t)) - std::log(s));
}

double Schedule::tFromLogSnr(double lambda) const {
    if (lambda >= logSnr(1e-12)) return 0.0;
    if (lambda <= logSnr(1.0)) return 1.0;
    double lo = 0.0, hi = 1.0; // logSnr(lo) > lambda >= logSnr(hi)
    for (int i = 0; i < 200 && hi - lo > 1e-15; ++i) {
        const double mid = 0.5 * (lo + hi);
        (logSnr(mid) > lambda ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

double Schedule::gridLogSnrMin() const {
    return std::max(logSnr(1.0), -2.0 * std::log(80.0));
}

double Schedule::gridLogSnrMax() const {
    return std::min(logSnr(1e-3), -2.0 * std::log(0.002));
}

double Schedule::sigmaTildeMax() const {
    const NoiseLevel top = at(1.0);
    return top.alpha > 0 ? top.sigmaTilde() : std::numeric_limits<double>::infinity();
}

double Schedule::sigmaTildeMin() const {
    return at(kSmallestPositiveT).sigmaTilde();
}

std::optional<double> Schedule::timeOfSigmaTilde(double s) const {
    if (s == 0) return 0.0;
    if (!(s > 0) || s > sigmaTildeMax() * (1 + 1e-12)) return std::nullopt;
    const double t = std::max(tFromLogSnr(-2.0 * std::log(s)), kSmallestPositiveT);
    const double got = at(t).sigmaTilde();
    if (!(std::abs(got - s) <= 1e-6 * s)) return std::nullopt;
    return t;
}

NoiseLevel Schedule::at(double t) const {
    return {t, alpha(t), sigma(t), alphaDot(t), sigmaDot(t)};
}

std::vector<std::pair<std::string, std::string>> listSchedules() {
    std::vector<std::pair<std::string, std::string>> out;
    for (const char* n : {"vp-linear", "cosine", "ve", "edm", "rf"})
        out.emplace_back(n, makeSchedule(n)->describe());
    return out;
}

std::unique_ptr<Schedule> makeSchedule(const std::string& name) {
    const ScheduleSpec s = parseScheduleSpec(name);
    if (s.name == "vp-linear")
        return std::make_unique<VpLinearSchedule>(s.value("beta_min"), s.value("beta_max"));
    if (s.name == "cosine") return std::make_unique<CosineSchedule>(s.value("s"));
    if (s.name == "ve")
        return std::make_unique<VeSchedule>(s.value("sigma_min"), s.value("sigma_max"));
    if (s.name == "edm")
        return std::make_unique<EdmSchedule>(s.value("sigma_min"), s.value("sigma_max"),
                                             s.value("rho"));
    return std::make_unique<RectifiedFlowSchedule>();
}

} // namespace dfs
