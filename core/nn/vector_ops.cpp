// Elementwise float loops with run-time ISA dispatch.
#include "core/nn/vector_ops.hpp"

#include "core/multiversion.hpp"

namespace dfs {

DFS_MULTIVERSION void addInto(float* acc, const float* x, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) acc[i] += x[i];
}

DFS_MULTIVERSION void emaUpdate(float* ema, const float* w, std::size_t n, float decay) {
    const float keep = decay, take = 1.0f - decay;
    for (std::size_t i = 0; i < n; ++i) ema[i] = keep * ema[i] + take * w[i];
}

DFS_MULTIVERSION double sumSquares(const float* x, std::size_t n) {
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) s += double(x[i]) * x[i];
    return s;
}

DFS_MULTIVERSION void scaleInPlace(float* x, std::size_t n, float s) {
    for (std::size_t i = 0; i < n; ++i) x[i] *= s;
}

} // namespace dfs
