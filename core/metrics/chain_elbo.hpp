// The negative ELBO of the diffusion chain split into its terms (the latent-variable
// perspective, diffusion-math.md Section 1.2; Ho et al. 2020, eq. 5; Kingma et al. 2021 (VDM),
// their discrete-time loss, for the general alpha/sigma form).
//
// Discretisation: T steps uniform in logSNR, lambda_i = lambda_max + (lambda_min - lambda_max) i/T
// for i = 0..T, over the schedule's sampling span [gridLogSnrMin, gridLogSnrMax] (schedule.hpp;
// for vp-linear t = 1e-3 .. 0.93, where sigma/alpha = 80). The discrete bound depends on the
// grid only through its SNRs (Kingma et al. 2021), and splitting a step s < u < t can only lower
// it when the denoiser's error E(t) = E||x0 - D(x_t)||^2 falls with SNR, as the Bayes error does:
// (SNR(s) - SNR(u)) E(u) + (SNR(u) - SNR(t)) E(t) <= (SNR(s) - SNR(t)) E(t). So T = 10, 100,
// 1000 on these nested grids give a falling bound; equal log-SNR steps make the excess of the
// discrete sum over the continuous one O(1/T) (a grid uniform in t keeps a log-SNR jump of ln 2
// at its first step for every T, and its bound does not converge). The latents are
// x_{t_0} .. x_{t_T} with the schedule's marginals
// q(x_t | x0) = N(alpha_t x0, sigma_t^2 I). For one x0:
//   -log p(x0) <= L_prior + sum_{i=1..T} L_i + L_rec, with
//   L_prior = KL(q(x_{t_T} | x0) || N(0, sigma_T^2 I)) = alpha_T^2 ||x0||^2 / (2 sigma_T^2)
//             (the prior is the schedule's noise scale at the top of the grid: exact where
//             alpha = 0 there);
//   L_i     = E KL(q(x_s | x_t, x0) || p_theta(x_s | x_t)), s = t_{i-1}, t = t_i, with
//             p_theta(x_s | x_t) = q(x_s | x_t, x0 = D(x_t)): Gaussians of one covariance, so
//             L_i = ||mu~(x0) - mu~(D)||^2 / (2 var~) = (SNR(s) - SNR(t)) / 2 * ||x0 - D(x_t)||^2
//             (VDM's SNR form; the test checks it against DDPM's form, Ho et al. 2020, eq. 7);
//   L_rec   = E -log N(x0; D(x_{t_0}), s_0^2 I), the decoder's standard deviation
//             s_0 = sigma_{t_0} / alpha_{t_0}: the posterior of x0 given x_{t_0} is close to
//             N(x_{t_0} / alpha, s_0^2 I) wherever p_0 varies slowly on the scale s_0 (DDPM's
//             last step has the variance beta_1 = sigma_{t_1}^2 at alpha ~ 1). For continuous
//             data the decoder's variance decides how the bound compares with log p_0: it makes
//             L_rec ~ (d/2) log(2 pi e s_0^2), negative for small s_0, which the KL terms
//             balance; on N(mu, c^2 I) the bound's limit for T -> infinity exceeds -log p_0 by
//             (d/2) [log(1 + s_0^2/c^2) - s_0^2/(c^2 + s_0^2)] ~ (d/4) s_0^4 / c^4 (plus the
//             prior's mismatch at t_T).
// Each term is averaged over data points drawn from `data` and noise (seeded Philox), with its
// Monte Carlo standard error.
//
// Discrete data (images, ChainElboOptions::discreteLevels = L, e.g. 256): the pixels are L
// levels scaled to [-1, 1], x = 2k/(L-1) - 1. Each x0 is first snapped to its nearest level, and
// the reconstruction term becomes Ho et al. 2020's discretised decoder (Section 3.3, eq. 13):
//   L_rec = -sum_j log int_{delta-(x0_j)}^{delta+(x0_j)} N(u; D_j(x_{t_0}), s_0^2) du,
//   delta+-(x) = x +- 1/(L-1), with the outermost levels' bins running to +-infinity,
// a probability, so the total bounds the discrete -log P(x0) >= 0 and bits/dim = total /
// (d ln 2) needs no dequantisation offset (with a continuous density on [-1, 1] instead, the
// uniform-dequantisation bound adds d log2((L-1)/2) bits: Theis et al. 2016, Section 3.1).
#pragma once

#include "core/types.hpp"

#include <cstdint>
#include <functional>
#include <vector>

namespace dfs {

class Denoiser;
class Schedule;
struct GmmParams;
struct NoiseLevel;
struct Table;

/// One step's term: KL(q(x_s | x_t, x0) || p_theta(x_s | x_t)) averaged, in nats per data point.
struct ChainElboStep {
    double s = 0, t = 0;
    double kl = 0, klSe = 0;
};

struct ChainElbo {
    int steps = 0;     ///< T
    int dim = 0;       ///< d
    Index samples = 0; ///< data points averaged over
    double prior = 0, priorSe = 0;
    std::vector<ChainElboStep> terms; ///< i = 1..T, from t small to large
    double reconstruction = 0, reconstructionSe = 0;
    std::vector<double> times;     ///< t_0 .. t_T
    double decoderStd = 0;         ///< s_0 = sigma_{t_0} / alpha_{t_0}
    double total = 0, totalSe = 0; ///< the negative ELBO in nats per data point
    /// With the true density (a Gaussian mixture): -E log p_0(x0) over the same x0, and the
    /// standard error of the paired difference total - exactNll.
    bool hasExact = false;
    double exactNll = 0, exactNllSe = 0, gapSe = 0;
    int discreteLevels = 0; ///< 0: continuous data (Gaussian decoder); L: Ho et al.'s decoder
    /// The total in bits per dimension: total / (d ln 2).
    double bitsPerDim() const;
    /// Sum of the step terms (without prior and reconstruction).
    double stepSum() const;
};

/// Evaluates D(x) at a level for every row of x (a backend's batch call, or the denoiser's own).
using DenoiseFn = std::function<void(const Matrix& x, const NoiseLevel& level, Matrix& out)>;

struct ChainElboOptions {
    int steps = 100;      ///< T >= 1
    Index samples = 2000; ///< data points x0 (drawn with replacement)
    std::uint64_t seed = 0;
    DenoiseFn denoise; ///< empty: model.denoiseRows on one thread
    /// 0: continuous data. L >= 2: data of L levels in [-1, 1] (8-bit images: 256), the
    /// discretised decoder of the header comment.
    int discreteLevels = 0;
};

/// log int_a^b N(u; 0, 1) du for a < b (either may be infinite), accurate in the far tails
/// (where the difference of two normal CDFs underflows).
double logNormalMass(double a, double b);

/// x snapped to the nearest of L levels 2k/(L-1) - 1 in [-1, 1].
double snapToLevel(double x, int levels);

/// The negative ELBO of `model` on `data` (see the header comment). `truth` (may be null): the
/// Gaussian mixture the data come from, for the exact -log p_0 (continuous data only). UsageError
/// for empty data, a dimension mismatch, T < 1, fewer than 2 samples or discreteLevels of 1 or
/// below 0.
ChainElbo chainElbo(const Denoiser& model, const Schedule& schedule, const Matrix& data,
                    const ChainElboOptions& options, const GmmParams* truth = nullptr);

/// The grid t_0 < ... < t_T: uniform in logSNR over the schedule's sampling span.
std::vector<double> chainElboGrid(const Schedule& schedule, int steps);

/// The terms as a table: step,s,t,nats,se,cumulative. Row 0 is the reconstruction (s = 0,
/// t = t_0), rows 1..T the steps, row T + 1 the prior (s = t = t_T); cumulative adds the terms
/// from the prior down, so row 0's is the total.
Table chainElboTable(const ChainElbo& elbo);

} // namespace dfs
