// The fused ideal-denoiser kernel: for one query x, D(x) = sum_i w_i y_i with
// w = softmax_i(-||x - alpha y_i||^2 / (2 sigma^2)) (EDM, Karras et al. 2022, App. B.3;
// diffusion-math.md Section 4.2). Single precision, two passes over the training set
// (logits and their max, then exp and the weighted sums), vectorised for the host CPU.
#pragma once

#include <cstddef>

namespace dfs {

/// Training set laid out for the kernel: dimension-major (y[k * n + i] is coordinate k of
/// point i), so each pass streams contiguous floats.
struct IdealKernelData {
    const float* y;
    std::size_t n;
    int dim;
};

/// D(x) for one query. `scratch` holds at least n floats. Distances use the direct form
/// ||x - alpha y||^2, not the expansion, so the nearest points keep their precision at tiny sigma.
void idealDenoiseOne(const IdealKernelData& data, const double* x, double alpha, double sigma,
                     float* scratch, double* out);

} // namespace dfs
