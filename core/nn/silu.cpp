// SiLU forward and backward.
#include "core/nn/silu.hpp"

#include <cmath>

namespace dfs {

void siluForward(const float* x, long n, float* out) {
    for (long i = 0; i < n; ++i) out[i] = x[i] / (1.0f + std::exp(-x[i]));
}

void siluBackward(const float* x, const float* dout, long n, float* dx) {
    for (long i = 0; i < n; ++i) {
        const float s = 1.0f / (1.0f + std::exp(-x[i]));
        dx[i] += dout[i] * s * (1.0f + x[i] * (1.0f - s));
    }
}

} // namespace dfs
