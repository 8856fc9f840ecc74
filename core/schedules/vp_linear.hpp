// Variance-preserving SDE with a linear beta(t) (Song et al. 2021, "Score-based generative
// modeling through SDEs", eq. 11 and App. B; DDPM's beta range, Ho et al. 2020).
#pragma once

#include "core/schedules/schedule.hpp"

namespace dfs {

class VpLinearSchedule final : public Schedule {
public:
    explicit VpLinearSchedule(double betaMin = 0.1, double betaMax = 20.0);
    std::string name() const override { return "vp-linear"; }
    std::string describe() const override;
    double alpha(double t) const override;
    double sigma(double t) const override;
    double alphaDot(double t) const override;
    double sigmaDot(double t) const override;
    double logSnr(double t) const override;
    double tFromLogSnr(double lambda) const override;
    double beta(double t) const { return m_b0 + t * (m_b1 - m_b0); }

private:
    /// log alpha(t) = -1/2 int_0^t beta = -(b0 t + (b1 - b0) t^2 / 2) / 2.
    double logAlpha(double t) const;
    double m_b0, m_b1;
};

} // namespace dfs
