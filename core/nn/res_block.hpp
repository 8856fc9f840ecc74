// The residual block of the DDPM U-Net (Ho et al. 2020, Appendix B; the wide-ResNet block of
// Zagoruyko & Komodakis 2016 with group normalisation): GroupNorm -> SiLU -> conv3x3, plus a
// per-channel projection of the time embedding, -> GroupNorm -> SiLU -> conv3x3, added to the
// input (through a 1x1 convolution when the channel count changes). DDPM's dropout is left out.
#pragma once

#include "core/nn/aligned_buffer.hpp"
#include "core/nn/conv2d.hpp"
#include "core/nn/dense.hpp"
#include "core/nn/group_norm.hpp"

#include <cstdint>
#include <optional>

namespace dfs {

/// The activations of one ResBlock's forward pass that its backward pass reads. Buffers grow
/// as needed and may be reused across calls.
struct ResBlockCache {
    FloatBuffer xhat1, rstd1, act1, silu1; ///< first norm: normalised, statistics, output, SiLU
    FloatBuffer proj;                      ///< embedding projection (batch x outChannels)
    FloatBuffer hidden;                    ///< conv1 + projection (the second norm's input)
    FloatBuffer xhat2, rstd2, act2, silu2; ///< second norm, as above
};

class ResBlock {
public:
    /// A block from inChannels to outChannels at `side` x `side`, conditioned on an embedding
    /// of embedDim floats per sample. Throws UsageError when `groups` does not divide both
    /// channel counts.
    ResBlock(int inChannels, int outChannels, int side, int groups, int embedDim);

    int inChannels() const { return m_conv1.inChannels(); }
    int outChannels() const { return m_conv1.outChannels(); }
    long inFloats() const { return m_norm1.floats(); }  ///< per image
    long outFloats() const { return m_norm2.floats(); } ///< per image
    /// Parameters, in order: norm1, conv1, projection, norm2, conv2, [skip 1x1 conv].
    long paramCount() const { return m_paramCount; }
    /// PyTorch defaults (param_init.hpp); the layers draw from Philox streams stream..stream+3.
    void initialise(float* params, std::uint64_t seed, std::uint32_t stream) const;

    /// out = skip(x) + conv2(SiLU(GN2(conv1(SiLU(GN1(x))) + P embed))), where `embed` (batch x
    /// embedDim) is the already activated time embedding, shared by all blocks, and P a dense
    /// layer giving one bias per output channel (DDPM's temb_proj).
    void forward(const float* params, const float* x, const float* embed, int batch, float* out,
                 ResBlockCache& cache) const;
    /// Given dL/dout and the cache of the forward pass on the same (x, embed), adds dL/dparams
    /// to `dparams`, dL/dx to `dx` and dL/dembed to `dembed` (all accumulate); `dparams` and
    /// `dembed` may be null (not wanted).
    void backward(const float* params, const float* x, const float* embed,
                  const ResBlockCache& cache, const float* dout, int batch, float* dparams,
                  float* dx, float* dembed) const;

private:
    GroupNorm m_norm1;
    Conv2d m_conv1;
    Dense m_proj;
    GroupNorm m_norm2;
    Conv2d m_conv2;
    std::optional<Conv2d> m_skip;
    long m_conv1At, m_projAt, m_norm2At, m_conv2At, m_skipAt, m_paramCount;
};

} // namespace dfs
