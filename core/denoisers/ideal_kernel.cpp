// Fused, vectorised ideal-denoiser kernel: single precision, with a double-precision pass where
// float logits would lose the weights (tiny sigma far from the data).
#include "core/denoisers/ideal_kernel.hpp"

#include "core/multiversion.hpp"
#include <algorithm>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace dfs {
namespace {

// exp(x) for x <= 0 with about 2e-7 relative error: x = k ln 2 + r, |r| <= ln2/2, a degree-6
// Taylor polynomial for e^r, and 2^k assembled in the exponent bits. Branch-free so that the
// compiler vectorises the loop that calls it. Inputs below -87 flush to e^-87 (~1e-38).
inline float expNonPositive(float x) {
    x = std::max(x, -87.0f);
    const float shifter = 12582912.0f; // 1.5 * 2^23: adding it rounds to an integer
    const float kf = (x * 1.44269504f + shifter) - shifter;
    const float r = (x - kf * 0.693145752f) - kf * 1.42860677e-06f; // Cody-Waite ln 2
    float p = 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    const std::int32_t bits = (std::int32_t(kf) + 127) << 23;
    return p * std::bit_cast<float>(bits);
}

DFS_MULTIVERSION
float kernel2d(const float* __restrict y0, const float* __restrict y1, std::size_t n, float x0,
               float x1, float alpha, float scale, float* __restrict logit, double* out) {
    float best = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : best)
    for (std::size_t i = 0; i < n; ++i) {
        const float dx = x0 - alpha * y0[i], dy = x1 - alpha * y1[i];
        const float l = -(dx * dx + dy * dy) * scale;
        logit[i] = l;
        best = std::max(best, l);
    }
    float s = 0, s0 = 0, s1 = 0;
#pragma omp simd reduction(+ : s, s0, s1)
    for (std::size_t i = 0; i < n; ++i) {
        const float w = expNonPositive(logit[i] - best);
        s += w;
        s0 += w * y0[i];
        s1 += w * y1[i];
    }
    out[0] = double(s0) / s;
    out[1] = double(s1) / s;
    return best;
}

DFS_MULTIVERSION
float kernelNd(const float* __restrict y, std::size_t n, int dim, const double* x, float alpha,
               float scale, float* __restrict logit, double* out) {
    std::fill(logit, logit + n, 0.0f);
    for (int k = 0; k < dim; ++k) {
        const float xk = float(x[k]);
        const float* yk = y + std::size_t(k) * n;
#pragma omp simd
        for (std::size_t i = 0; i < n; ++i) {
            const float d = xk - alpha * yk[i];
            logit[i] -= d * d * scale;
        }
    }
    float best = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : best)
    for (std::size_t i = 0; i < n; ++i) best = std::max(best, logit[i]);
    float s = 0;
#pragma omp simd reduction(+ : s)
    for (std::size_t i = 0; i < n; ++i) {
        logit[i] = expNonPositive(logit[i] - best);
        s += logit[i];
    }
    for (int k = 0; k < dim; ++k) {
        const float* yk = y + std::size_t(k) * n;
        float acc = 0;
#pragma omp simd reduction(+ : acc)
        for (std::size_t i = 0; i < n; ++i) acc += logit[i] * yk[i];
        out[k] = double(acc) / s;
    }
    return best;
}

// The same weights from the double training set with the distances in double precision:
// logits l_i = -||x - alpha y_i||^2 scale, their max, then float exponents of the (exact)
// differences l_i - max, and double sums.
DFS_MULTIVERSION
void kernelPrecise(const double* __restrict y, std::size_t n, int dim, const double* x,
                   double alpha, double scale, float* __restrict weight, double* out) {
    double best = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < n; ++i) {
        double d2 = 0;
        for (int k = 0; k < dim; ++k) {
            const double d = x[k] - alpha * y[std::size_t(k) * n + i];
            d2 += d * d;
        }
        best = std::max(best, -d2 * scale);
    }
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) {
        double d2 = 0;
        for (int k = 0; k < dim; ++k) {
            const double d = x[k] - alpha * y[std::size_t(k) * n + i];
            d2 += d * d;
        }
        weight[i] = expNonPositive(float(-d2 * scale - best));
        s += weight[i];
    }
    for (int k = 0; k < dim; ++k) {
        const double* yk = y + std::size_t(k) * n;
        double acc = 0;
#pragma omp simd reduction(+ : acc)
        for (std::size_t i = 0; i < n; ++i) acc += double(weight[i]) * yk[i];
        out[k] = acc / s;
    }
}

// Whether float logits are good to about 1e-4 near the largest one, where the weights that
// matter are. A logit's error is about scale * 2 d 2^-24 (|x| + |alpha y|) with d = |x - alpha y|
// (float rounding of the coordinates); at the best point |alpha y| <= |x| + d and
// d = sqrt(-best / scale). Factor 4 of margin: 2^-22.
bool floatLogitsSuffice(const double* x, int dim, double scale, float best) {
    double norm2 = 0;
    for (int k = 0; k < dim; ++k) norm2 += x[k] * x[k];
    const double d = std::sqrt(std::max(0.0, -double(best) / scale));
    return scale * 2 * d * (2 * std::sqrt(norm2) + d) * 0x1p-22 <= 1e-4;
}

} // namespace

void idealDenoiseOne(const IdealKernelData& data, const double* x, double alpha, double sigma,
                     float* scratch, double* out) {
    const auto scale = float(0.5 / (sigma * sigma));
    const float best =
        data.dim == 2 ? kernel2d(data.y, data.y + data.n, data.n, float(x[0]), float(x[1]),
                                 float(alpha), scale, scratch, out)
                      : kernelNd(data.y, data.n, data.dim, x, float(alpha), scale, scratch, out);
    if (!floatLogitsSuffice(x, data.dim, scale, best))
        kernelPrecise(data.yExact, data.n, data.dim, x, alpha, 0.5 / (sigma * sigma), scratch, out);
}

} // namespace dfs
