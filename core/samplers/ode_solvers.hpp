// Explicit Runge-Kutta solvers for an ODE augmented with a scalar integral: y = (x, L) with
// dx/dt = u(x, t), dL/dt = g(x, t). The likelihood (ode_likelihood.hpp) integrates the PF-ODE
// with g = div u this way.
#pragma once

#include "core/types.hpp"

#include <functional>

namespace dfs {

/// For every row of x at time t: u (n x d) and g (n).
using AugmentedField = std::function<void(const Matrix& x, double t, Matrix& u, Vector& g)>;

/// Classical fourth-order Runge-Kutta (Kutta 1901; Hairer et al. 1993, II.1, Table 1.2) on
/// `steps` uniform steps from t0 to t1, for all rows at once; x and L in place. Returns the
/// evaluations per row (4 steps).
long rk4Augmented(const AugmentedField& f, double t0, double t1, int steps, Matrix& x, Vector& L);

/// Dormand-Prince 5(4) with FSAL and local extrapolation (Dormand & Prince 1980; Hairer et al.
/// 1993, II.5, Table 5.2) for ONE row from t0 to t1, x (1 x d) and L in place. Error per step:
/// the RMS over the d + 1 components of err_i / (atol + rtol max(|y_i|, |y_new_i|)) must be
/// <= 1; step factor 0.9 err^(-1/5) in [0.2, 10]; the first step by Hairer's heuristic (II.4).
/// Returns the evaluations used; throws DataError after maxSteps steps.
long dopri5Augmented(const AugmentedField& f, double t0, double t1, double rtol, double atol,
                     Matrix& x, double& L, long maxSteps = 100000);

} // namespace dfs
