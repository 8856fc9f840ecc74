// The denoising error curve of the autoencoder perspective (diffusion-math.md Sections 1.1 and
// 1.8): on a grid even in logSNR, MSE(t) = E||D(x_t) - x0||^2 / d of any denoiser on noised data,
// beside the Bayes (irreducible) error E tr Cov[x0 | x_t] / d of the exact or ideal denoiser,
// computed from its posterior covariance at the same x_t. Since
//   E||D - x0||^2 = E||D - D*||^2 + E tr Cov[x0 | x_t],
// no model goes below the Bayes curve on average; for the exact model the two estimate the same
// number.
#pragma once

#include "core/metrics/implied_weighting.hpp"
#include "core/types.hpp"

#include <cstdint>
#include <limits>
#include <vector>

namespace dfs {

class Denoiser;
class Schedule;

struct DenoisingErrorPoint {
    double logSnr = 0, t = 0, alpha = 1, sigma = 0;
    double mse = 0, mseSe = 0;     ///< E||D(x_t) - x0||^2 / d and its Monte Carlo standard error
    bool hasBayes = false;         ///< whether the reference has a closed-form posterior
    double bayes = 0, bayesSe = 0; ///< E tr Cov[x0 | x_t] / d and its standard error
    bool hasGap = false;           ///< whether a reference was given
    double gap = 0, gapSe = 0;     ///< E||D(x_t) - D_ref(x_t)||^2 / d (the excess error)
    /// With posteriorStats: the mean N_eff and entropy (nats) of the reference's posterior
    /// weights over the noised points, with standard errors.
    double nEff = 0, nEffSe = 0, entropy = 0, entropySe = 0;
    ImpliedWeights weights; ///< relative to x0-MSE at this level
};

struct DenoisingErrorOptions {
    int points = 24;      ///< logSNR grid points
    Index samples = 2000; ///< noised data points per level (x0 drawn with replacement)
    std::uint64_t seed = 0;
    bool posteriorStats = false; ///< also N_eff and entropy of the posterior weights
    /// logSNR range; NaN: the schedule's sampling span [gridLogSnrMin, gridLogSnrMax].
    double logSnrMin = std::numeric_limits<double>::quiet_NaN();
    double logSnrMax = std::numeric_limits<double>::quiet_NaN();
};

/// The curve from low to high logSNR. x_t = alpha x0 + sigma eps with x0 drawn from the rows of
/// `data` and eps from Philox (seed, level index); `reference` (may be null, else the exact or
/// ideal denoiser) gives the Bayes error at the same x_t. UsageError for empty data, a dimension
/// mismatch, fewer than 2 points or 2 samples.
std::vector<DenoisingErrorPoint> denoisingErrorCurve(const Denoiser& model,
                                                     const Denoiser* reference,
                                                     const Schedule& schedule, const Matrix& data,
                                                     const DenoisingErrorOptions& options);

} // namespace dfs

namespace dfs {

struct Table;

/// The curve as a table: logsnr,t,sigma,mse,mse_se[,bayes,bayes_se],w_eps,w_v,w_velocity,w_score
/// (the Bayes columns where the reference has a posterior).
Table denoisingErrorTable(const std::vector<DenoisingErrorPoint>& curve);

} // namespace dfs
