// The posterior p(x0 | x_t = x) of the exact denoisers at one noise level: its weights (mixture
// responsibilities or weights over training points), mean D*(x), covariance Cov[x0 | x_t], and
// draws from it (diffusion-math.md Sections 1.8, 4.1 and 4.2). The "estimator of expectations"
// perspective: D* is this posterior's mean, and E tr Cov[x0 | x_t] is the irreducible part of
// the denoising loss.
#pragma once

#include "core/schedules/schedule.hpp"
#include "core/types.hpp"

#include <cstdint>
#include <memory>
#include <vector>

namespace dfs {

class Denoiser;

/// The posterior at one point.
struct Posterior {
    /// Responsibilities w_k of the mixture components (exact GMM), or weights w_i of the
    /// training points (ideal denoiser); they sum to 1.
    Vector weights;
    Vector mean; ///< D*(x) = E[x0 | x_t = x]
    Matrix cov;  ///< Cov[x0 | x_t = x], d x d
    /// Exact GMM only (else empty): each component's posterior mean m0_k and covariance Cov_k.
    std::vector<Vector> componentMeans;
    std::vector<Matrix> componentCovs;
};

/// Effective number of components or points behind the weights: N_eff = 1 / sum w^2
/// (diffusion-math.md Section 1.8).
double weightsEffectiveCount(const Vector& weights);
/// Shannon entropy -sum w log w of the weights, in nats (0 for one point, log N for N equal).
double weightsEntropy(const Vector& weights);

/// p(x0 | x_t) of an exact or ideal denoiser at one noise level (sigma > 0); the per-level
/// quantities are computed once, so many points are cheap.
class ExactPosterior {
public:
    virtual ~ExactPosterior() = default;
    virtual int dim() const = 0;
    /// Weights, mean and covariance at x.
    virtual Posterior at(const Vector& x) const = 0;
    /// The weights alone (responsibilities or weights over training points).
    virtual Vector weightsAt(const Vector& x) const = 0;
    /// tr Cov[x0 | x_t = x] alone (no d x d matrix: cheap for images).
    virtual double traceCov(const Vector& x) const = 0;
    /// K draws of x0 ~ p(x0 | x_t = x), one per row; deterministic in (seed, stream): draw j
    /// uses the Philox counter of particle j on substream `stream`.
    virtual Matrix draw(const Vector& x, Index k, std::uint64_t seed,
                        std::uint32_t stream) const = 0;
};

/// The posterior of `model` at `level` when it is the exact GMM or the ideal denoiser; null for
/// any other model (a learned one has no closed-form posterior). UsageError for sigma <= 0.
std::unique_ptr<ExactPosterior> exactPosterior(const Denoiser& model, const NoiseLevel& level);

} // namespace dfs
