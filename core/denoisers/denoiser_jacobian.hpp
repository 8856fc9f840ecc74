// The Jacobian of a denoiser with respect to its input, J_D(x) = dD/dx at one noise level, in
// closed form where the model has one. For the exact GMM and the ideal denoiser D is the
// posterior mean, and differentiating E[x0 | x_t = x] under x_t = alpha x0 + sigma eps gives
//   J_D(x) = (alpha / sigma^2) Cov[x0 | x_t = x]      (diffusion-math.md Sections 1.6 and 4.1),
// symmetric and positive semi-definite. It is the cell's Jacobian in the recurrent-network
// perspective (core/samplers/step_jacobian.hpp).
#pragma once

#include "core/schedules/schedule.hpp"
#include "core/types.hpp"

#include <optional>

namespace dfs {

class Denoiser;

/// J_D(x), d x d, for the exact GMM and the ideal denoiser; nullopt for a model without a
/// closed form here (a learned network, a guided or Monte Carlo denoiser). UsageError for
/// sigma <= 0 or an x of another dimension than the model's.
std::optional<Matrix> denoiserJacobian(const Denoiser& model, const Vector& x,
                                       const NoiseLevel& level);

/// J_D(x) by central differences of D with step h per coordinate (any model; 2 d evaluations).
/// The reference the closed form is tested against, and the fallback for models without one.
Matrix denoiserJacobianFd(const Denoiser& model, const Vector& x, const NoiseLevel& level,
                          double h = 1e-5);

} // namespace dfs
