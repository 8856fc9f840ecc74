// Cosine schedule (Nichol & Dhariwal 2021, eq. 17), continuous time, variance preserving.
#include "core/schedules/cosine.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <numbers>

namespace dfs {

CosineSchedule::CosineSchedule(double s)
    : m_s(s), m_theta0(s / (1 + s) * std::numbers::pi / 2), m_cos0(std::cos(m_theta0)) {}

std::string CosineSchedule::describe() const {
    return fmt::format("cosine alpha-bar, s = {} (Nichol & Dhariwal 2021, eq. 17)", m_s);
}

double CosineSchedule::theta(double t) const {
    return (t + m_s) / (1 + m_s) * std::numbers::pi / 2;
}

double CosineSchedule::alpha(double t) const {
    return std::cos(theta(t)) / m_cos0;
}

// sigma^2 = 1 - cos^2(theta)/cos^2(theta0) = sin(theta - theta0) sin(theta + theta0) /
// cos^2(theta0), the product form keeps full precision near t = 0.
double CosineSchedule::sigmaAtTheta(double th) const {
    const double s2 = std::sin(th - m_theta0) * std::sin(th + m_theta0);
    return std::sqrt(std::max(s2, 0.0)) / m_cos0;
}

double CosineSchedule::sigma(double t) const {
    return sigmaAtTheta(theta(t));
}

double CosineSchedule::alphaDot(double t) const {
    return -std::sin(theta(t)) * (std::numbers::pi / 2 / (1 + m_s)) / m_cos0;
}

double CosineSchedule::sigmaDot(double t) const {
    const double s = sigma(t);
    if (s <= 0) return std::numeric_limits<double>::infinity();
    return -alpha(t) * alphaDot(t) / s;
}

// The values of the four functions, from one theta and one sin/cos pair: three trigonometric
// calls where calling the functions makes eight (sigmaDot calls sigma, alpha and alphaDot).
NoiseLevel CosineSchedule::at(double t) const {
    const double th = theta(t);
    NoiseLevel l;
    l.t = t;
    l.alpha = std::cos(th) / m_cos0;
    l.sigma = sigmaAtTheta(th);
    l.alphaDot = -std::sin(th) * (std::numbers::pi / 2 / (1 + m_s)) / m_cos0;
    l.sigmaDot =
        l.sigma <= 0 ? std::numeric_limits<double>::infinity() : -l.alpha * l.alphaDot / l.sigma;
    return l;
}

// alpha^2 = sigmoid(lambda) for a variance-preserving schedule; invert theta.
double CosineSchedule::tFromLogSnr(double lambda) const {
    if (lambda == std::numeric_limits<double>::infinity()) return 0.0;
    if (lambda == -std::numeric_limits<double>::infinity()) return 1.0;
    const double alpha = std::sqrt(1.0 / (1.0 + std::exp(-lambda)));
    const double th = std::acos(std::clamp(alpha * m_cos0, -1.0, 1.0));
    return std::clamp(th * (1 + m_s) * 2 / std::numbers::pi - m_s, 0.0, 1.0);
}

} // namespace dfs
