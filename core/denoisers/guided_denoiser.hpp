// Classifier-free guidance (Ho & Salimans 2022, eq. 6; diffusion-math.md 3.9) for any pair of
// denoisers: D_gamma = D_uncond + gamma (D_cond - D_uncond). gamma = 1 is the conditional model,
// gamma = 0 the unconditional one; the combination is the same in x0, eps and score space.
#pragma once

#include "core/denoisers/denoiser.hpp"

#include <memory>

namespace dfs {

class GuidedDenoiser final : public Denoiser {
public:
    /// Throws UsageError if the dimensions differ or gamma is not finite.
    GuidedDenoiser(std::unique_ptr<Denoiser> conditional, std::unique_ptr<Denoiser> unconditional,
                   double gamma);
    std::string name() const override { return m_cond->name() + "+guidance"; }
    int dim() const override { return m_cond->dim(); }
    void denoiseRows(const Matrix& x, const NoiseLevel& level, Matrix& out, Index begin,
                     Index end) const override;

private:
    std::unique_ptr<Denoiser> m_cond, m_uncond;
    double m_gamma;
};

} // namespace dfs
