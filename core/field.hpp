// Fields for the views and `diffuscope-cli field`: a quantity (x0, eps, v, score, velocity) of a
// denoiser evaluated on a grid or on given points at one time.
#pragma once

#include "core/parameterisation.hpp"
#include "core/types.hpp"

namespace dfs {

class Backend;
class Denoiser;

/// n x n points covering [-extent, extent]^2, row-major with x varying fastest.
Matrix gridPoints(int n, double extent);

/// The quantity at every row of x. Needs sigma > 0 unless the quantity is x0.
Matrix evaluateField(Backend& backend, const Denoiser& model, const NoiseLevel& level,
                     Prediction quantity, const Matrix& x);

} // namespace dfs
