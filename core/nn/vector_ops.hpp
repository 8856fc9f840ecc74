// The training step's gradient sum over micro-batches with its norm, compiled for several
// x86-64 levels and chosen at run time (GCC target_clones).
#pragma once

#include <cstddef>

namespace dfs {

/// out[i] = parts[0][i] + ... + parts[count - 1][i], added in that order (count >= 1); returns
/// the sum of out[i]^2 in double, as eight interleaved partial sums added in a fixed order (the
/// same on every x86-64 level). One pass for the step's gradient and its norm.
double sumParts(float* out, const float* const* parts, int count, std::size_t n);

} // namespace dfs
