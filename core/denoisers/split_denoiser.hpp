// Untied networks (diffusion-math.md Section 1.6: "switch denoisers at sigma_split, e.g. learned
// net above and exact GMM denoiser below, or two nets"): the recurrent cell's weights change
// with the noise level. D(x, t) = A(x, t) where sigma~(t) = sigma/alpha >= sigma_split, and
// B(x, t) below it. sigma_split = 0 is A at every level with sigma >= 0 (tied to A), +inf is B
// at every level (tied to B).
#pragma once

#include "core/denoisers/denoiser.hpp"

#include <memory>

namespace dfs {

class SplitDenoiser final : public Denoiser {
public:
    /// Throws UsageError if the dimensions differ or sigmaSplit is NaN or negative.
    SplitDenoiser(std::unique_ptr<Denoiser> above, std::unique_ptr<Denoiser> below,
                  double sigmaSplit);
    std::string name() const override;
    int dim() const override { return m_above->dim(); }
    void denoiseRows(const Matrix& x, const NoiseLevel& level, Matrix& out, Index begin,
                     Index end) const override;
    bool hasLogDensity() const override;
    void logDensityRows(const Matrix& x, const NoiseLevel& level, Vector& out, Index begin,
                        Index end) const override;

    /// Whether `level` is served by the upper network A: sigma >= sigma_split alpha (alpha = 0,
    /// pure noise, counts as above unless the split is +inf).
    bool usesAbove(const NoiseLevel& level) const;
    /// The network that serves `level`.
    const Denoiser& at(const NoiseLevel& level) const;
    const Denoiser& above() const { return *m_above; }
    const Denoiser& below() const { return *m_below; }
    double sigmaSplit() const { return m_split; }

private:
    std::unique_ptr<Denoiser> m_above, m_below;
    double m_split;
};

} // namespace dfs
