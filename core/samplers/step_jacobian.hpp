// The sampler as a recurrent network (diffusion-math.md Section 1.6): every step of a linear
// sampler is an affine cell around the denoiser,
//   x_{i+1} = a_i x_i + b_i D(x_i, t_i) + c_i z_i,
// so its Jacobian is J_i = a_i I + b_i J_D(x_i) (with the chain rule through a second call for
// Heun-type steps), and the whole run's Jacobian dx_N/dx_0 is their product. The coefficients
// are read off the traced step programs (step_program.hpp), so no sampler's formulas are written
// twice; J_D is the closed form of denoiser_jacobian.hpp, or central differences of D for a
// model without one.
#pragma once

#include "core/schedules/schedule.hpp"
#include "core/types.hpp"

#include <cstdint>
#include <vector>

namespace dfs {

class Denoiser;
struct SamplerRunConfig;

/// One cell of the unrolled sampler, for one particle.
struct CellJacobian {
    int step = 0; ///< i: from grid[i] to grid[i+1]
    double t = 0, tNext = 0;
    /// The cell's coefficients with x_{i+1} written over the step's leaves (x_i, each denoiser
    /// output, the previous prediction, the noise): a on x_i, b the sum of those on the
    /// denoiser outputs, prev on DPM-Solver++'s previous prediction, c the noise's standard
    /// deviation sqrt(sum of squared noise coefficients).
    double a = 0, b = 0, prev = 0, c = 0;
    std::vector<double> bPerCall; ///< the coefficient of each denoiser output, in call order
    int nfe = 0;                  ///< denoiser calls in this step
    Vector prediction;            ///< the step's first denoiser output (D(x_i, t_i) mostly)
    /// J_i = dx_{i+1}/dx_i with the previous prediction held fixed (the cell's own Jacobian).
    Matrix jacobian;
    Vector singularValues; ///< of J_i, largest first
    double logAbsDet = 0;  ///< log |det J_i|
};

struct UnrolledJacobian {
    std::vector<Vector> path;        ///< x_0 (the start, x_T) .. x_N, the particle's states
    std::vector<CellJacobian> cells; ///< one per step
    /// dx_i/dx_0 for i = 0 .. N through every path (a multistep sampler's previous prediction
    /// included): equal to the product J_{i-1} ... J_0 for one-step samplers.
    std::vector<Matrix> fromStart;
    /// dx_N/dx_0 of the whole run (fromStart.back()).
    Matrix endToEnd;
    bool exactJacobian = true; ///< false: J_D by central differences (no closed form)
};

/// The unrolled cells of one particle's run from `xStart` (its state at config.grid.front()):
/// `particle` is its Philox index (the noise row of a stochastic sampler). UsageError for a
/// sampler that is not linear (the predictor-corrector), a bad config or a wrong dimension.
UnrolledJacobian unrollJacobians(const Schedule& schedule, const SamplerRunConfig& config,
                                 const Denoiser& model, const Vector& xStart,
                                 std::uint32_t particle);

/// The product J_{to-1} ... J_{from} of the cells' Jacobians (identity when from == to).
Matrix cellProduct(const UnrolledJacobian& u, int from, int to);

} // namespace dfs
