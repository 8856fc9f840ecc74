// The weight each training target puts on a noise level relative to x0-MSE
// (diffusion-math.md Section 2.3; Dieleman 2024, "Noise schedules considered harmful"):
// ||target_hat - target||^2 = w(t) ||x0_hat - x0||^2 for
//   eps:      w = SNR = alpha^2 / sigma^2
//   v:        w = (alpha^2 + sigma^2)^2 / sigma^2              (v = alpha eps - sigma x0)
//   velocity: w = (alpha' - sigma' alpha / sigma)^2            (u = alpha' x0 + sigma' eps, since
//             eps_hat - eps = -(alpha / sigma)(x0_hat - x0); rectified flow: 1 / t^2)
//   score:    w = alpha^2 / sigma^4                            (s = -eps / sigma)
#pragma once

#include "core/schedules/schedule.hpp"

namespace dfs {

struct ImpliedWeights {
    double eps = 0, v = 0, velocity = 0, score = 0;
};

/// The weights at a level with sigma > 0.
ImpliedWeights impliedWeights(const NoiseLevel& level);

} // namespace dfs
