// Exact conversions among the five prediction targets, for any schedule (diffusion-math.md
// Section 2.2): with x = alpha x0 + sigma eps,
//   eps = (x - alpha x0)/sigma,  v = alpha eps - sigma x0 (Salimans & Ho 2022, App. D),
//   score = (alpha x0 - x)/sigma^2 (Tweedie; Vincent 2010),  u = alpha' x0 + sigma' eps (PF-ODE
//   velocity, Song et al. 2021 eq. 13 written for x_t = alpha x0 + sigma eps).
#pragma once

#include "core/schedules/schedule.hpp"
#include "core/types.hpp"

#include <string>

namespace dfs {

enum class Prediction { X0, Eps, V, Score, Velocity };

Prediction parsePrediction(const std::string& name); ///< x0, eps, v, score, velocity
std::string predictionName(Prediction p);

/// Converts the denoiser output x0 at (x, level) into the prediction `kind`. Needs sigma > 0
/// for every kind but x0.
Matrix fromX0(Prediction kind, const Matrix& x, const Matrix& x0, const NoiseLevel& level);

/// Converts a prediction of `kind` at (x, level) back into x0. eps and score need alpha > 0;
/// v and velocity are solved as 2x2 linear systems and work wherever they are invertible.
Matrix toX0(Prediction kind, const Matrix& x, const Matrix& pred, const NoiseLevel& level);

} // namespace dfs
