// Convolution by im2col (Chellapilla, Puri & Simard 2006): each image's receptive fields are
// unrolled into a matrix so the layer is Y = W col + b, and the backward pass is two more
// products, dW += dY col^T and dcol = W^T dY, followed by the scatter col2im.
#include "core/nn/conv2d.hpp"

#include "core/errors.hpp"
#include "core/nn/aligned_buffer.hpp"
#include "core/nn/mlp_kernels.hpp"
#include "core/nn/param_init.hpp"

#include <Eigen/Core>
#include <fmt/format.h>

#include <algorithm>
#include <cstddef>

namespace dfs {

namespace {
using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MapF = Eigen::Map<RowMatrixF, Eigen::Unaligned>;
using ConstMapF = Eigen::Map<const RowMatrixF, Eigen::Unaligned>;
using ConstVecF = Eigen::Map<const Eigen::VectorXf, Eigen::Unaligned>;
using VecF = Eigen::Map<Eigen::VectorXf, Eigen::Unaligned>;

/// The matrix products run in the ISA-specific kernels (AVX2 / AVX-512 where the CPU has them).
void gemm(int m, int n, int k, const float* a, bool transA, const float* b, bool transB, float beta,
          float* c) {
    mlpKernels().gemm(m, n, k, a, transA, b, transB, beta, c);
}
} // namespace

Conv2d::Conv2d(int inChannels, int outChannels, int kernel, int stride, int pad, int inSide)
    : m_in(inChannels), m_out(outChannels), m_k(kernel), m_stride(stride), m_pad(pad),
      m_inSide(inSide), m_outSide(0) {
    if (inChannels < 1 || outChannels < 1 || kernel < 1 || stride < 1 || pad < 0 || pad >= kernel ||
        inSide + 2 * pad < kernel)
        throw UsageError(fmt::format("conv2d: bad shape (channels {} -> {}, kernel {}, stride {}, "
                                     "padding {}, side {})",
                                     inChannels, outChannels, kernel, stride, pad, inSide));
    m_outSide = (inSide + 2 * pad - kernel) / stride + 1;
}

void Conv2d::initialise(float* params, std::uint64_t seed, std::uint32_t stream) const {
    initialiseAffine(params, weightCount(), params + weightCount(), m_out, m_in * m_k * m_k, seed,
                     stream);
}

namespace {

/// The output columns x in [lo, hi) whose input column x * stride - pad + j lies inside [0, s):
/// outside them the receptive field is in the zero padding. Computed once per kernel column,
/// so the inner loops carry no bounds tests (a plain copy where stride is 1).
struct ValidColumns {
    int lo, hi;
};
ValidColumns validColumns(int j, int stride, int pad, int s, int os) {
    // x * stride >= pad - j  and  x * stride <= s - 1 + pad - j
    const int first = pad - j > 0 ? (pad - j + stride - 1) / stride : 0;
    const int last = s - 1 + pad - j < 0 ? -1 : (s - 1 + pad - j) / stride;
    return {std::min(first, os), std::max(std::min(last + 1, os), std::min(first, os))};
}

} // namespace

void Conv2d::im2col(const float* image, float* col) const {
    const int s = m_inSide, os = m_outSide, st = m_stride;
    for (int c = 0; c < m_in; ++c) {
        const float* plane = image + std::size_t(c) * s * s;
        for (int i = 0; i < m_k; ++i) {
            for (int j = 0; j < m_k; ++j) {
                float* row = col + (std::size_t(c * m_k + i) * m_k + j) * os * os;
                const auto [lo, hi] = validColumns(j, st, m_pad, s, os);
                for (int y = 0; y < os; ++y) {
                    const int iy = y * st - m_pad + i;
                    float* r = row + std::size_t(y) * os;
                    if (iy < 0 || iy >= s) {
                        std::fill(r, r + os, 0.0f);
                        continue;
                    }
                    const float* src = plane + std::size_t(iy) * s;
                    const int shift = j - m_pad; // output column x reads src[x * st + shift]
                    std::fill(r, r + lo, 0.0f);
                    if (st == 1 && hi > lo)
                        std::copy(src + lo + shift, src + hi + shift, r + lo);
                    else
                        for (int x = lo; x < hi; ++x) r[x] = src[x * st + shift];
                    std::fill(r + hi, r + os, 0.0f);
                }
            }
        }
    }
}

void Conv2d::col2imAdd(const float* col, float* image) const {
    const int s = m_inSide, os = m_outSide, st = m_stride;
    for (int c = 0; c < m_in; ++c) {
        float* plane = image + std::size_t(c) * s * s;
        for (int i = 0; i < m_k; ++i) {
            for (int j = 0; j < m_k; ++j) {
                const float* row = col + (std::size_t(c * m_k + i) * m_k + j) * os * os;
                const auto [lo, hi] = validColumns(j, st, m_pad, s, os);
                for (int y = 0; y < os; ++y) {
                    const int iy = y * st - m_pad + i;
                    if (iy < 0 || iy >= s) continue;
                    const float* r = row + std::size_t(y) * os;
                    float* dst = plane + std::size_t(iy) * s;
                    const int shift = j - m_pad;
                    if (st == 1) // contiguous: the compiler vectorises this form
                        for (int x = lo; x < hi; ++x) dst[x + shift] += r[x];
                    else
                        for (int x = lo; x < hi; ++x) dst[x * st + shift] += r[x];
                }
            }
        }
    }
}

const float* Conv2d::unrolled(const float* image, float* col) const {
    if (isPointwise()) return image; // a 1x1 convolution's receptive fields are the pixels
    im2col(image, col);
    return col;
}

void Conv2d::forward(const float* params, const float* in, int batch, float* out) const {
    const long kDim = long(m_in) * m_k * m_k, pixels = long(m_outSide) * m_outSide;
    const ConstVecF bias(params + weightCount(), m_out);
    FloatBuffer col(isPointwise() ? 0 : std::size_t(kDim * pixels));
    for (int b = 0; b < batch; ++b) {
        const float* colData = unrolled(in + std::size_t(b) * inFloats(), col.data());
        float* yData = out + std::size_t(b) * outFloats();
        gemm(m_out, int(pixels), int(kDim), params, false, colData, false, 0.0f, yData);
        MapF(yData, m_out, pixels).colwise() += bias;
    }
}

void Conv2d::backward(const float* params, const float* in, const float* dout, int batch,
                      float* dparams, float* din) const {
    const long kDim = long(m_in) * m_k * m_k, pixels = long(m_outSide) * m_outSide;
    FloatBuffer col(dparams && !isPointwise() ? std::size_t(kDim * pixels) : 0);
    FloatBuffer dcol(din && !isPointwise() ? std::size_t(kDim * pixels) : 0);
    for (int b = 0; b < batch; ++b) {
        const float* dyData = dout + std::size_t(b) * outFloats();
        if (dparams) {
            const float* colData = unrolled(in + std::size_t(b) * inFloats(), col.data());
            gemm(m_out, int(kDim), int(pixels), dyData, false, colData, true, 1.0f,
                 dparams); // dW += dY col^T
            VecF(dparams + weightCount(), m_out) +=
                ConstMapF(dyData, m_out, pixels).rowwise().sum();
        }
        if (!din) continue;
        float* dimage = din + std::size_t(b) * inFloats();
        if (isPointwise()) {
            gemm(int(kDim), int(pixels), m_out, params, true, dyData, false, 1.0f, dimage);
        } else {
            gemm(int(kDim), int(pixels), m_out, params, true, dyData, false, 0.0f,
                 dcol.data()); // W^T dY
            col2imAdd(dcol.data(), dimage);
        }
    }
}

} // namespace dfs
