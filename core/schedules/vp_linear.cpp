// Variance-preserving linear-beta schedule (Song et al. 2021, eq. 11, App. B).
#include "core/schedules/vp_linear.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>

namespace dfs {

VpLinearSchedule::VpLinearSchedule(double betaMin, double betaMax) : m_b0(betaMin), m_b1(betaMax) {}

std::string VpLinearSchedule::describe() const {
    return fmt::format("VP SDE, linear beta(t) from {} to {} (Song et al. 2021, eq. 11)", m_b0,
                       m_b1);
}

double VpLinearSchedule::logAlpha(double t) const {
    return -0.25 * t * t * (m_b1 - m_b0) - 0.5 * t * m_b0;
}

double VpLinearSchedule::alpha(double t) const {
    return std::exp(logAlpha(t));
}

// sigma^2 = 1 - alpha^2, written with expm1 so that it keeps its digits near t = 0.
double VpLinearSchedule::sigma(double t) const {
    return std::sqrt(-std::expm1(2 * logAlpha(t)));
}

// d alpha/dt = -beta(t) alpha / 2.
double VpLinearSchedule::alphaDot(double t) const {
    return -0.5 * beta(t) * alpha(t);
}

// alpha^2 + sigma^2 = 1  =>  sigma' = -alpha alpha' / sigma = beta alpha^2 / (2 sigma).
double VpLinearSchedule::sigmaDot(double t) const {
    const double a = alpha(t);
    return 0.5 * beta(t) * a * a / sigma(t);
}

double VpLinearSchedule::logSnr(double t) const {
    if (t <= 0) return std::numeric_limits<double>::infinity();
    const double la2 = 2 * logAlpha(t);
    return la2 - std::log(-std::expm1(la2));
}

// alpha^2 = sigmoid(lambda)  =>  log alpha = -softplus(-lambda) / 2; then solve the quadratic
// (b1 - b0)/4 t^2 + b0/2 t + log alpha = 0 in its cancellation-free form (as DPM-Solver's
// NoiseScheduleVP.inverse_lambda does for this schedule).
double VpLinearSchedule::tFromLogSnr(double lambda) const {
    if (lambda == std::numeric_limits<double>::infinity()) return 0.0;
    if (lambda == -std::numeric_limits<double>::infinity()) return 1.0;
    const double softplus =
        lambda > 0 ? std::log1p(std::exp(-lambda)) : -lambda + std::log1p(std::exp(lambda));
    const double c = -0.5 * softplus; // log alpha (<= 0)
    const double a = 0.25 * (m_b1 - m_b0), b = 0.5 * m_b0;
    const double t = -2 * c / (b + std::sqrt(b * b - 4 * a * c));
    return std::clamp(t, 0.0, 1.0);
}

} // namespace dfs
