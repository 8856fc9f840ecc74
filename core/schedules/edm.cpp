// EDM schedule (Karras et al. 2022, eq. 5 and Table 1).
#include "core/schedules/edm.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>

namespace dfs {

EdmSchedule::EdmSchedule(double sigmaMin, double sigmaMax, double rho)
    : m_min(sigmaMin), m_max(sigmaMax), m_rho(rho), m_a(std::pow(sigmaMin, 1 / rho)),
      m_span(std::pow(sigmaMax, 1 / rho) - std::pow(sigmaMin, 1 / rho)) {}

std::string EdmSchedule::describe() const {
    return fmt::format("EDM, sigma from {} to {}, rho = {} (Karras et al. 2022, eq. 5)", m_min,
                       m_max, m_rho);
}

double EdmSchedule::sigma(double t) const {
    return t <= 0 ? 0.0 : std::pow(m_a + t * m_span, m_rho);
}

double EdmSchedule::sigmaDot(double t) const {
    return m_rho * std::pow(m_a + t * m_span, m_rho - 1) * m_span;
}

double EdmSchedule::tFromLogSnr(double lambda) const {
    if (lambda == std::numeric_limits<double>::infinity()) return 0.0;
    if (lambda == -std::numeric_limits<double>::infinity()) return 1.0;
    const double s = std::exp(-0.5 * lambda);
    return std::clamp((std::pow(s, 1 / m_rho) - m_a) / m_span, 0.0, 1.0);
}

} // namespace dfs
