// Cosine schedule (Nichol & Dhariwal 2021, "Improved DDPM", eq. 17) in continuous time:
// alpha(t) = cos(theta(t)) / cos(theta(0)), theta(t) = (t + s)/(1 + s) * pi/2, s = 0.008,
// variance preserving (sigma^2 = 1 - alpha^2). alpha(1) = 0 up to rounding.
#pragma once

#include "core/schedules/schedule.hpp"

namespace dfs {

class CosineSchedule final : public Schedule {
public:
    explicit CosineSchedule(double s = 0.008);
    std::string name() const override { return "cosine"; }
    std::string describe() const override;
    double alpha(double t) const override;
    double sigma(double t) const override;
    double alphaDot(double t) const override;
    double sigmaDot(double t) const override;
    double tFromLogSnr(double lambda) const override;
    NoiseLevel at(double t) const override;

private:
    double theta(double t) const;
    double sigmaAtTheta(double th) const;
    double m_s, m_theta0, m_cos0;
};

} // namespace dfs
