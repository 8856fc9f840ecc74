// Explicit Runge-Kutta solvers for an ODE augmented with integrals: y = (x, L) with
// dx/dt = u(x, t), dL/dt = g(x, t), L with m columns per row. The likelihood (ode_likelihood.hpp)
// integrates the PF-ODE with g = div u this way: one column for the exact divergence, one per
// probe for Hutchinson's estimate.
#pragma once

#include "core/types.hpp"

#include <functional>

namespace dfs {

/// For every row of x at time t: u (n x d) and g (n x m).
using AugmentedField = std::function<void(const Matrix& x, double t, Matrix& u, Matrix& g)>;

/// Classical fourth-order Runge-Kutta (Kutta 1901; Hairer et al. 1993, II.1, Table 1.2) on
/// `steps` uniform steps from t0 to t1, for all rows at once; x and L in place. Returns the
/// evaluations per row (4 steps).
long rk4Augmented(const AugmentedField& f, double t0, double t1, int steps, Matrix& x, Matrix& L);

/// Dormand-Prince 5(4) with FSAL and local extrapolation (Dormand & Prince 1980; Hairer et al.
/// 1993, II.5, Table 5.2) from t0 to t1 for the rows of x (n x d) and L (n x m), in place, with
/// one step size for all rows: a step is accepted when, for every row, the RMS over its d + m
/// components of err_i / (atol + rtol max(|y_i|, |y_new_i|)) is <= 1 (one row: the usual
/// per-trajectory control). Step factor 0.9 err^(-1/5) in [0.2, 10]; the first step by
/// Hairer's heuristic (II.4). Returns the evaluations used (each covers all rows); throws
/// DataError after maxSteps steps.
long dopri5Augmented(const AugmentedField& f, double t0, double t1, double rtol, double atol,
                     Matrix& x, Matrix& L, long maxSteps = 100000);

} // namespace dfs
