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
/// 1993, II.5, Table 5.2) from t0 to t1 for the rows of x (n x d) and L (n), in place, with one
/// step size for all rows: a step is accepted when, for every row, the RMS over its d + 1
/// components of err_i / (atol + rtol max(|y_i|, |y_new_i|)) is <= 1 (one row: the usual
/// per-trajectory control). Step factor 0.9 err^(-1/5) in [0.2, 10]; the first step by
/// Hairer's heuristic (II.4). Returns the evaluations used (each covers all rows); throws
/// DataError after maxSteps steps.
long dopri5Augmented(const AugmentedField& f, double t0, double t1, double rtol, double atol,
                     Matrix& x, Vector& L, long maxSteps = 100000);

} // namespace dfs
