// Monte Carlo estimate of E[x0 | x_t] from posterior draws (diffusion-math.md Section 1.8).
#include "core/denoisers/monte_carlo_denoiser.hpp"

#include "core/denoisers/posterior.hpp"
#include "core/errors.hpp"

#include <fmt/format.h>

namespace dfs {

Vector monteCarloMean(const ExactPosterior& posterior, const Vector& x, Index k, std::uint64_t seed,
                      std::uint32_t stream) {
    return posterior.draw(x, k, seed, stream).colwise().mean().transpose();
}

MonteCarloDenoiser::MonteCarloDenoiser(const Denoiser& exact, Index k, std::uint64_t seed)
    : m_exact(exact), m_k(k), m_seed(seed) {
    if (k < 1)
        throw UsageError(fmt::format("the Monte Carlo denoiser needs at least 1 draw (got {})", k));
    NoiseLevel probe;
    probe.alpha = probe.sigma = 1;
    if (!exactPosterior(exact, probe))
        throw UsageError(fmt::format("the Monte Carlo denoiser samples the posterior of the exact "
                                     "or ideal denoiser, not of '{}'",
                                     exact.name()));
}

void MonteCarloDenoiser::denoiseRows(const Matrix& x, const NoiseLevel& level, Matrix& out,
                                     Index begin, Index end) const {
    const auto posterior = exactPosterior(m_exact, level);
    if (!posterior)
        throw UsageError("the Monte Carlo denoiser's model has no closed-form posterior");
    for (Index i = begin; i < end; ++i)
        out.row(i) = monteCarloMean(*posterior, x.row(i).transpose(), m_k, m_seed, std::uint32_t(i))
                         .transpose();
}

} // namespace dfs
