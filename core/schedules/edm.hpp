// EDM schedule (Karras et al. 2022, "Elucidating the design space", Table 1 and eq. 5):
// alpha = 1 and sigma(t) = (sigma_min^(1/rho) + t (sigma_max^(1/rho) - sigma_min^(1/rho)))^rho
// for t > 0, sigma(0) = 0. A uniform grid in t is the paper's rho = 7 time discretisation.
#pragma once

#include "core/schedules/schedule.hpp"

namespace dfs {

class EdmSchedule final : public Schedule {
public:
    explicit EdmSchedule(double sigmaMin = 0.002, double sigmaMax = 80.0, double rho = 7.0);
    std::string name() const override { return "edm"; }
    std::string describe() const override;
    double alpha(double) const override { return 1.0; }
    double sigma(double t) const override;
    double alphaDot(double) const override { return 0.0; }
    double sigmaDot(double t) const override;
    double tFromLogSnr(double lambda) const override;

private:
    double m_min, m_max, m_rho, m_a, m_span; // m_a = sigma_min^(1/rho), m_span = difference
};

} // namespace dfs
