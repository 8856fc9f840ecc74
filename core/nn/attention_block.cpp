// Self-attention forward and backward, one image at a time, as matrix products on the per-ISA
// kernels (mlp_kernels.hpp). Per image, activations are C x P row-major (P pixels).
#include "core/nn/attention_block.hpp"

#include "core/errors.hpp"
#include "core/nn/mlp_kernels.hpp"
#include "core/nn/param_init.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace dfs {

namespace {

/// rows x cols row-major m: m[r][.] += bias[r].
void addRowBias(float* m, const float* bias, int rows, int cols) {
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) m[long(r) * cols + c] += bias[r];
}

/// bias[r] += sum of row r of m (rows x cols).
void accumulateRowSums(const float* m, int rows, int cols, float* bias) {
    for (int r = 0; r < rows; ++r) {
        float s = 0;
        for (int c = 0; c < cols; ++c) s += m[long(r) * cols + c];
        bias[r] += s;
    }
}

} // namespace

AttentionBlock::AttentionBlock(int channels, int pixels, int groups)
    : m_channels(channels), m_pixels(pixels), m_norm(channels, groups, pixels) {
    const long c = channels;
    m_qkvAt = m_norm.paramCount();
    m_qkvBiasAt = m_qkvAt + 3 * c * c;
    m_outAt = m_qkvBiasAt + 3 * c;
    m_outBiasAt = m_outAt + c * c;
}

long AttentionBlock::paramCount() const {
    return m_outBiasAt + m_channels;
}

void AttentionBlock::initialise(float* params, std::uint64_t seed, std::uint32_t stream) const {
    const long c = m_channels;
    m_norm.initialise(params);
    initialiseAffine(params + m_qkvAt, 3 * c * c, params + m_qkvBiasAt, 3 * c, m_channels, seed,
                     stream);
    std::fill(params + m_outAt, params + paramCount(), 0.0f);
}

void AttentionBlock::forward(const float* params, const float* x, int batch, float* out,
                             AttentionCache& c) const {
    const int ch = m_channels, px = m_pixels;
    const long img = floats(), pp = long(px) * px;
    ensureSize(c.xhat, batch * img);
    ensureSize(c.normed, batch * img);
    ensureSize(c.rstd, long(batch) * m_norm.groups());
    ensureSize(c.qkv, 3 * batch * img);
    ensureSize(c.weights, batch * pp);
    ensureSize(c.mixed, batch * img);
    m_norm.forward(params, x, batch, c.normed.data(), c.xhat.data(), c.rstd.data());
    const MlpKernels& k = mlpKernels();
    const float scale = 1.0f / std::sqrt(float(ch));
    for (int b = 0; b < batch; ++b) {
        const float* h = c.normed.data() + b * img;
        float* qkv = c.qkv.data() + 3 * b * img;
        const float *q = qkv, *key = qkv + img, *v = qkv + 2 * img;
        float* a = c.weights.data() + b * pp;
        float* mixed = c.mixed.data() + b * img;
        k.gemm(3 * ch, px, ch, params + m_qkvAt, false, h, false, 0.0f, qkv); // W_qkv h
        addRowBias(qkv, params + m_qkvBiasAt, 3 * ch, px);
        k.gemm(px, px, ch, q, true, key, false, 0.0f, a); // S = q^T k (pixels x pixels)
        for (int i = 0; i < px; ++i) { // row-wise softmax of S / sqrt(C), max subtracted
            float* row = a + long(i) * px;
            const float top = *std::max_element(row, row + px);
            float sum = 0;
            for (int j = 0; j < px; ++j) sum += row[j] = std::exp((row[j] - top) * scale);
            const float inv = 1.0f / sum;
            for (int j = 0; j < px; ++j) row[j] *= inv;
        }
        k.gemm(ch, px, px, v, false, a, true, 0.0f, mixed); // v A^T
        float* o = out + b * img;
        std::copy(x + b * img, x + (b + 1) * img, o); // the residual path
        k.gemm(ch, px, ch, params + m_outAt, false, mixed, false, 1.0f, o);
        addRowBias(o, params + m_outBiasAt, ch, px);
    }
}

void AttentionBlock::backward(const float* params, const AttentionCache& c, const float* dout,
                              int batch, float* dparams, float* dx) const {
    const int ch = m_channels, px = m_pixels;
    const long img = floats(), pp = long(px) * px;
    const MlpKernels& k = mlpKernels();
    const float scale = 1.0f / std::sqrt(float(ch));
    FloatBuffer dmixed(static_cast<std::size_t>(img)), dqkv(static_cast<std::size_t>(3 * img));
    FloatBuffer dw(static_cast<std::size_t>(pp));
    FloatBuffer dnormed(std::size_t(batch * img), 0.0f);
    for (int b = 0; b < batch; ++b) {
        const float* g = dout + b * img;
        const float* h = c.normed.data() + b * img;
        const float* qkv = c.qkv.data() + 3 * b * img;
        const float *q = qkv, *key = qkv + img, *v = qkv + 2 * img;
        const float* a = c.weights.data() + b * pp;
        const float* mixed = c.mixed.data() + b * img;
        float *dq = dqkv.data(), *dk = dq + img, *dv = dq + 2 * img;
        // out = x + W_o mixed + b_o
        for (long i = 0; i < img; ++i) dx[b * img + i] += g[i];
        if (dparams) {
            k.gemm(ch, ch, px, g, false, mixed, true, 1.0f, dparams + m_outAt); // dW_o += g mixed^T
            accumulateRowSums(g, ch, px, dparams + m_outBiasAt);
        }
        k.gemm(ch, px, ch, params + m_outAt, true, g, false, 0.0f, dmixed.data()); // W_o^T g
        // mixed = v A^T: dv = dmixed A, dA = dmixed^T v
        k.gemm(ch, px, px, dmixed.data(), false, a, false, 0.0f, dv);
        k.gemm(px, px, ch, dmixed.data(), true, v, false, 0.0f, dw.data());
        // softmax: dS_ij = A_ij (dA_ij - sum_l dA_il A_il), then the 1 / sqrt(C) scale
        for (int i = 0; i < px; ++i) {
            float* row = dw.data() + long(i) * px;
            const float* ar = a + long(i) * px;
            float dotp = 0;
            for (int j = 0; j < px; ++j) dotp += row[j] * ar[j];
            for (int j = 0; j < px; ++j) row[j] = ar[j] * (row[j] - dotp) * scale;
        }
        // S = q^T k: dq = k dS^T, dk = q dS
        k.gemm(ch, px, px, key, false, dw.data(), true, 0.0f, dq);
        k.gemm(ch, px, px, q, false, dw.data(), false, 0.0f, dk);
        // qkv = W_qkv h + b_qkv
        if (dparams) {
            k.gemm(3 * ch, ch, px, dqkv.data(), false, h, true, 1.0f, dparams + m_qkvAt);
            accumulateRowSums(dqkv.data(), 3 * ch, px, dparams + m_qkvBiasAt);
        }
        k.gemm(ch, px, 3 * ch, params + m_qkvAt, true, dqkv.data(), false, 0.0f,
               dnormed.data() + b * img);
    }
    m_norm.backward(params, c.xhat.data(), c.rstd.data(), dnormed.data(), batch, dparams, dx);
}

} // namespace dfs
