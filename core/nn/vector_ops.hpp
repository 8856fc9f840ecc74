// Elementwise float loops of the training step (gradient sums, EMA), compiled for several
// x86-64 levels and chosen at run time (GCC target_clones).
#pragma once

#include <cstddef>

namespace dfs {

/// acc[i] += x[i]
void addInto(float* acc, const float* x, std::size_t n);
/// ema[i] = decay ema[i] + (1 - decay) w[i]
void emaUpdate(float* ema, const float* w, std::size_t n, float decay);
/// out[i] = parts[0][i] + ... + parts[count - 1][i], added in that order (count >= 1); returns
/// the sum of out[i]^2 in double, as eight interleaved partial sums added in a fixed order (the
/// same on every x86-64 level). One pass for the step's gradient and its norm.
double sumParts(float* out, const float* const* parts, int count, std::size_t n);
/// sum of x[i]^2 in double
double sumSquares(const float* x, std::size_t n);
/// x[i] *= s
void scaleInPlace(float* x, std::size_t n, float s);

} // namespace dfs
