// Exact log-likelihood through the probability-flow ODE (Song et al. 2021, App. D.2;
// diffusion-math.md 3.8): each point x is carried from t_min up to t_max = 1 together with the
// integral of the velocity's divergence (instantaneous change of variables, Chen et al. 2018,
// Thm. 1: d log p_t(x_t)/dt = -div u), and
//   log p_{t_min}(x) = log p_1(x(1)) + integral_{t_min}^{1} div u(x(t), t) dt.
// It is the density at t_min (x read as x_{t_min}), not at t = 0: the model is not evaluated at
// sigma = 0. The prior p_1 is the exact marginal where the denoiser has one (exact GMM, ideal),
// else the schedule's Gaussian marginal of data with the model's mean and variance:
// N(alpha_1 mean, (alpha_1^2 var + sigma_1^2) I) (exact when the data is that Gaussian).
// Solvers: Dormand-Prince 5(4) with rtol/atol per point or per block of points (Dormand &
// Prince 1980; Hairer et al. 1993, II.4-5), or classical RK4 on a uniform grid in t.
// The divergence is exact (the d x d trace), or, with probes (images through a U-Net, where d
// is hundreds), Hutchinson's estimate with K fixed Rademacher probes (Grathwohl et al. 2019,
// FFJORD, eq. 7 and Sec. 3.1; Song et al. 2021, App. D.2): the solve carries one integral per
// probe beside x, so that log p is their mean (unbiased for the exact integral, as the trace
// estimate is unbiased at every (x, t) and the path of x does not depend on the probes) and its
// standard error is their spread / sqrt(K).
#pragma once

#include "core/types.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace dfs {

class Denoiser;
class Schedule;

enum class OdeSolver { Rk45, Rk4 };
OdeSolver parseOdeSolver(const std::string& name); ///< "rk45" or "rk4"; else UsageError
std::string odeSolverName(OdeSolver s);

struct LikelihoodOptions {
    OdeSolver solver = OdeSolver::Rk45;
    double rtol = 1e-5, atol = 1e-5; ///< rk45 (score_sde's likelihood.py defaults)
    int steps = 100;                 ///< rk4: uniform steps in t
    /// rk45: points solved together with one step size (the largest error of the block
    /// decides); 1 is per point, exact per-point NFE; larger blocks batch the network.
    int block = 1;
    double tMin = 1e-3; ///< score_sde's sampling eps, and the learned models' smallest level
    double tMax = 1.0;
    int threads = 0; ///< <= 0: all cores
    /// A learned MLP in float on the MLP kernels (several times faster, about 1e-6 relative
    /// error per evaluation) instead of double.
    bool singlePrecision = false;
    /// Use the Gaussian prior even where the exact p_1 exists.
    bool gaussianPrior = false;
    /// The data's mean and per-coordinate variance for the Gaussian prior; empty mean: the
    /// learned model's normalisation (mean, (scale sigma_data)^2).
    Vector dataMean;
    double dataVar = 0;
    /// Hutchinson's estimator with this many fixed Rademacher probes (the same K for every
    /// point, drawn from probeSeed); 0: the exact trace (a U-Net has none and needs probes).
    int probes = 0;
    std::uint64_t probeSeed = 0;
};

struct LikelihoodResult {
    Vector logp; ///< log p_{t_min}(x) per point, nats
    /// With probes: the standard error of each logp over the K probes' integrals (their
    /// standard deviation / sqrt(K)); empty for the exact trace.
    Vector logpSe;
    Vector logPrior;        ///< log p_1(x(1)) per point
    Matrix latent;          ///< x(1) per point
    std::vector<long> nfe;  ///< evaluations of (u, div u) per point
    std::string prior;      ///< which prior, in words
    std::string trace;      ///< how tr J_D was computed
    double meanNll() const; ///< -mean(logp), nats
    /// The standard error of meanNll() from the probes: the spread over probes of the mean of
    /// each probe's integral, / sqrt(K) (the points share the probes); 0 for the exact trace.
    double meanNllSe() const;
    Matrix probeIntegrals; ///< with probes: each point's integral of the divergence per probe
    /// -mean(logp) / (d ln 2): bits per dimension (no dequantisation offset: 2-D data is
    /// continuous).
    double bitsPerDim() const;
};

/// log p_{t_min}(x) for every row of x. Throws UsageError for bad options or a denoiser with no
/// exact divergence, DataError for a non-finite point or a solve that does not converge
/// (naming the row).
LikelihoodResult odeLogLikelihood(const Denoiser& model, const Schedule& schedule, const Matrix& x,
                                  const LikelihoodOptions& options = {});

} // namespace dfs
