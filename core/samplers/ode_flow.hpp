// The probability-flow ODE as a map between noise and data (diffusion-math.md 1.5): points
// carried down a sampler grid by Heun's method (decoding), and data carried up the same grid
// (encoding), so that decode(encode(x0)) = x0 up to the discretisation error.
#pragma once

#include "core/types.hpp"

#include <vector>

namespace dfs {

class Backend;
class Denoiser;
class Schedule;

/// x (at grid[0]) carried by the `heun` sampler (Karras et al. 2022, Alg. 1) to grid[k] for
/// k = 0..lastFrame; element k is x at grid[k]. The grid is a sampler grid (strictly
/// decreasing to 0). Throws UsageError for a bad grid or lastFrame outside [0, steps].
std::vector<Matrix> odeDecodeFrames(const Schedule& schedule, const Denoiser& model,
                                    Backend& backend, const std::vector<double>& grid,
                                    const Matrix& x, int lastFrame);

/// Data x0 (at t = 0) carried up the same grid to grid[0], each step the mirror of a decoding
/// step: the first, from t = 0 to grid[N-1], inverts the decoder's last step x0 = D(x) (Heun
/// skips its correction there, Alg. 1 line 7) by the fixed-point iteration
/// x <- x + alpha (x0 - D(x)) from x = alpha x0; the others are Heun steps of the PF-ODE in
/// EDM's coordinates (sampler.hpp, odeStep), in t beyond sigma~ = 80 as the decoder takes them.
Matrix odeEncode(const Schedule& schedule, const Denoiser& model, Backend& backend,
                 const std::vector<double>& grid, const Matrix& x0);

} // namespace dfs
