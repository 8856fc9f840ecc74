// The fused ideal-denoiser kernel: for one query x, D(x) = sum_i w_i y_i with
// w = softmax_i(-||x - alpha y_i||^2 / (2 sigma^2)) (EDM, Karras et al. 2022, App. B.3;
// diffusion-math.md Section 4.2). Single precision, two passes over the training set
// (logits and their max, then exp and the weighted sums), vectorised for the host CPU; where the
// float logits would be off by more than about 1e-4 (sigma tiny beside the distance to the
// data: the logits reach 1e4 and more), a third pass computes the distances in double.
#pragma once

#include <cstddef>

namespace dfs {

/// Training set laid out for the kernel: dimension-major (y[k * n + i] is coordinate k of
/// point i), so each pass streams contiguous floats.
struct IdealKernelData {
    const float* y;
    std::size_t n;
    int dim;
    const double* yExact; ///< the same layout in double, for the double-precision pass
};

/// D(x) for one query. `scratch` holds at least n floats. Distances use the direct form
/// ||x - alpha y||^2, not the expansion. Bound: each weight's relative error is at most about
/// 1e-4 (float logits, chosen only where their estimated error is below that) or 1e-5 (the
/// double pass), so |D(x) - D_exact(x)| <= 1e-4 max_i ||y_i - D_exact(x)|| at any sigma.
void idealDenoiseOne(const IdealKernelData& data, const double* x, double alpha, double sigma,
                     float* scratch, double* out);

} // namespace dfs
