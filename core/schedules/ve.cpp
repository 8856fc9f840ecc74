// Variance-exploding geometric schedule (Song & Ermon 2019; Song et al. 2021, eq. 30).
#include "core/schedules/ve.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>

namespace dfs {

VeSchedule::VeSchedule(double sigmaMin, double sigmaMax)
    : m_min(sigmaMin), m_max(sigmaMax), m_logRatio(std::log(sigmaMax / sigmaMin)) {}

std::string VeSchedule::describe() const {
    return fmt::format("VE SDE, geometric sigma from {} to {} (Song et al. 2021, eq. 30)", m_min,
                       m_max);
}

double VeSchedule::sigma(double t) const {
    return t <= 0 ? 0.0 : m_min * std::exp(t * m_logRatio);
}

double VeSchedule::sigmaDot(double t) const {
    return sigma(t) * m_logRatio;
}

double VeSchedule::logSnr(double t) const {
    if (t <= 0) return std::numeric_limits<double>::infinity();
    return -2.0 * (std::log(m_min) + t * m_logRatio);
}

double VeSchedule::tFromLogSnr(double lambda) const {
    const double t = (-0.5 * lambda - std::log(m_min)) / m_logRatio;
    return std::clamp(t, 0.0, 1.0);
}

} // namespace dfs
