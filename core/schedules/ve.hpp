// Variance-exploding schedule with geometric sigma (Song & Ermon 2019, NCSN; Song et al. 2021,
// eq. 30): alpha = 1, sigma(t) = sigma_min (sigma_max / sigma_min)^t for t > 0 and sigma(0) = 0,
// so that the last sampler step lands on clean data.
#pragma once

#include "core/schedules/schedule.hpp"

#include <cmath>

namespace dfs {

class VeSchedule final : public Schedule {
public:
    /// sigma_max follows Song & Ermon 2020 (Technique 1: about the largest pairwise distance of
    /// the data); 10 covers the built-in 2D sets. sigma_min = 0.01 as in NCSN.
    explicit VeSchedule(double sigmaMin = 0.01, double sigmaMax = 10.0);
    std::string name() const override { return "ve"; }
    std::string describe() const override;
    double alpha(double) const override { return 1.0; }
    double sigma(double t) const override;
    double alphaDot(double) const override { return 0.0; }
    double sigmaDot(double t) const override;
    double logSnr(double t) const override;
    double tFromLogSnr(double lambda) const override;
    /// -2 ln sigma_min: the grids end at the paper's sigma_min (Song et al. 2021, App. C).
    double gridLogSnrMax() const override { return -2.0 * std::log(m_min); }

private:
    double m_min, m_max, m_logRatio;
};

} // namespace dfs
