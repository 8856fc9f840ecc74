// The self-attention block of the DDPM U-Net (Ho et al. 2020, Appendix B: "self-attention
// blocks at the 16x16 resolution"; the non-local block of Wang et al. 2018): every pixel attends
// to every other pixel of its image, which gives the bottleneck a receptive field of the whole
// image. Single head, as in DDPM:
//   h = GroupNorm(x);  [q; k; v] = W_qkv h + b_qkv   (1x1 convolutions, C -> 3C)
//   A = softmax_j(q_i . k_j / sqrt(C))                (Vaswani et al. 2017, eq. 1)
//   out = x + W_o (v A^T) + b_o                       (W_o starts at zero: the block starts as
//                                                      the identity, DDPM's init_scale = 0)
#pragma once

#include "core/nn/aligned_buffer.hpp"
#include "core/nn/group_norm.hpp"

#include <cstdint>

namespace dfs {

/// What the backward pass reads of one forward pass; buffers grow as needed.
struct AttentionCache {
    FloatBuffer xhat, rstd, normed; ///< GroupNorm's normalised input, statistics and output
    FloatBuffer qkv;                ///< per image: q, k, v (3C x pixels)
    FloatBuffer weights;            ///< per image: A (pixels x pixels), rows sum to 1
    FloatBuffer mixed;              ///< per image: v A^T (C x pixels)
};

class AttentionBlock {
public:
    /// A block over `channels` x `pixels` activations; throws UsageError unless `groups`
    /// divides `channels` and pixels >= 1.
    AttentionBlock(int channels, int pixels, int groups);

    int channels() const { return m_channels; }
    long floats() const { return m_norm.floats(); } ///< per image
    /// Parameters, in order: norm (2C), W_qkv (3C x C), b_qkv (3C), W_o (C x C), b_o (C).
    long paramCount() const;
    /// GroupNorm gamma 1, beta 0; W_qkv and b_qkv PyTorch's 1x1-convolution default
    /// (param_init.hpp) from Philox `stream`; W_o and b_o zero.
    void initialise(float* params, std::uint64_t seed, std::uint32_t stream) const;

    /// out (batch x floats()) = x + attention(x), as above; fills `cache`.
    void forward(const float* params, const float* x, int batch, float* out,
                 AttentionCache& cache) const;
    /// Given dL/dout and the cache of the forward pass on x, adds dL/dparams to `dparams` (when
    /// not null) and dL/dx to `dx` (both accumulate).
    void backward(const float* params, const AttentionCache& cache, const float* dout, int batch,
                  float* dparams, float* dx) const;

private:
    int m_channels, m_pixels;
    GroupNorm m_norm;
    long m_qkvAt, m_qkvBiasAt, m_outAt, m_outBiasAt;
};

} // namespace dfs
