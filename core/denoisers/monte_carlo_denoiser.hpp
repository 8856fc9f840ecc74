// A Monte Carlo denoiser: D(x) estimated as the mean of K draws from the exact posterior
// p(x0 | x_t = x) (diffusion-math.md Section 1.8, "diffusion models estimate expectations").
// Its error against D* falls as 1/sqrt(K); the network does the same job with K -> infinity,
// amortised over x.
#pragma once

#include "core/denoisers/denoiser.hpp"

#include <cstdint>

namespace dfs {

class ExactPosterior;

/// The mean of K posterior draws at x; draws from (seed, stream) as ExactPosterior::draw.
Vector monteCarloMean(const ExactPosterior& posterior, const Vector& x, Index k, std::uint64_t seed,
                      std::uint32_t stream);

class MonteCarloDenoiser final : public Denoiser {
public:
    /// Estimates the denoiser `exact` (the exact GMM or the ideal denoiser; it must outlive this)
    /// from k draws per point. UsageError for another model or k < 1.
    MonteCarloDenoiser(const Denoiser& exact, Index k, std::uint64_t seed);
    std::string name() const override { return "monte-carlo"; }
    int dim() const override { return m_exact.dim(); }
    /// Row i draws on Philox substream i, so a row's estimate does not depend on the batch.
    void denoiseRows(const Matrix& x, const NoiseLevel& level, Matrix& out, Index begin,
                     Index end) const override;
    Index draws() const { return m_k; }

private:
    const Denoiser& m_exact;
    Index m_k;
    std::uint64_t m_seed;
};

} // namespace dfs
