// EDM schedule (Karras et al. 2022, "Elucidating the design space", Table 1 and eq. 5):
// alpha = 1 and sigma(t) = (sigma_min^(1/rho) + t (sigma_max^(1/rho) - sigma_min^(1/rho)))^rho
// for t > 0, sigma(0) = 0, so sigma(0+) = sigma_min. The paper's time discretisation (eq. 5) is
// the Karras grid (time_grid.hpp), uniform in t on [0+, 1] before the final step to 0; a
// uniform grid of K steps in t instead ends at sigma(1/K), above sigma_min.
#pragma once

#include "core/schedules/schedule.hpp"

#include <cmath>

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
    /// -2 ln sigma_min: the grids end at the paper's sigma_min (Karras et al. 2022, Table 1).
    double gridLogSnrMax() const override { return -2.0 * std::log(m_min); }

private:
    double m_min, m_max, m_rho, m_a, m_span; // m_a = sigma_min^(1/rho), m_span = difference
};

} // namespace dfs
