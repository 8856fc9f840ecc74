// Per-point log-likelihood of samples (the sampler's output or its particles at a frame) through
// the probability-flow ODE (core/samplers/ode_likelihood.hpp, diffusion-math.md 3.8), beside the
// closed-form log p_t where a denoiser has one (exact GMM, ideal). Rows that are not finite (a
// diverged particle) get NaN instead of failing the whole set.
#pragma once

#include "core/samplers/ode_likelihood.hpp"
#include "core/types.hpp"

#include <string>

namespace dfs {

class Denoiser;
class Schedule;

struct PointsLikelihood {
    Vector logp;        ///< log p_{t_min}(x) of the model through the PF-ODE, nats (NaN: skipped)
    Vector logpExact;   ///< the closed form at t_min; empty without an exact denoiser
    double meanNfe = 0; ///< over the finite rows
    Index skipped = 0;  ///< rows that were not finite
    std::string prior;  ///< the model's prior p_1, in words
};

/// `exact` (may be null, may be `model`) must have hasLogDensity(). Throws what
/// odeLogLikelihood throws for bad options or a model with no exact divergence.
PointsLikelihood pointsLogLikelihood(const Denoiser& model, const Denoiser* exact,
                                     const Schedule& schedule, const Matrix& x,
                                     const LikelihoodOptions& options);

} // namespace dfs
