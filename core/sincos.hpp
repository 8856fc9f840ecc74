// sin and cos of many doubles in one vectorisable loop (the sinusoidal time embedding's
// frequencies), for |x| up to 1e6.
#pragma once

namespace dfs {

/// s[i] = sin(x[i]), c[i] = cos(x[i]) for i < n, within 2^-52 of the exact values for
/// |x| <= 1e6 (larger arguments go to std::sin and std::cos).
void sinCos(const double* x, double* s, double* c, int n);

} // namespace dfs
