// A small convolutional U-Net for images (the DDPM architecture of Ho et al. 2020, Appendix B,
// scaled down to two resolutions), with forward and backward passes on the CPU. Its parameters
// live in one flat float buffer (for the optimiser, the EMA and checkpoints). Activations are
// batch-major NCHW; the noise level (and optionally a class label) comes in as an embedding
// vector per sample that the caller computes (e.g. timeEmbedding of c_noise, then a one-hot).
//
//   x (inChannels, S) -> conv3x3 -> C -> ResBlock(C) ---------------------------- skip --+
//                                           -> conv3x3 stride 2 -> 2C at S/2             |
//                                           -> ResBlock(2C) -> [self-attention] -> nearest  |
//                                              2x up -> concat <---------------------------+
//   -> ResBlock(3C -> C) -> GroupNorm -> SiLU -> conv3x3 -> out (inChannels, S)
//   embedding (embedDim + labelDim) -> dense 4C -> SiLU -> dense 4C -> SiLU -> every ResBlock
#pragma once

#include "core/nn/aligned_buffer.hpp"
#include "core/nn/attention_block.hpp"
#include "core/nn/conv2d.hpp"
#include "core/nn/dense.hpp"
#include "core/nn/group_norm.hpp"
#include "core/nn/res_block.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dfs {

struct UNetConfig {
    int side = 16;         ///< image side S (even: the bottleneck runs at S / 2)
    int channels = 32;     ///< base channels C (the bottleneck has 2C)
    int groups = 8;        ///< GroupNorm groups; must divide C
    int embedDim = 32;     ///< noise-level embedding floats per sample
    int inChannels = 1;    ///< image channels in and out
    int labelDim = 0;      ///< one-hot label floats appended to the embedding (0: unconditional)
    bool attention = true; ///< self-attention after the bottleneck's ResBlock (DDPM)

    int embedInputDim() const { return embedDim + labelDim; }
    long imageFloats() const { return long(inChannels) * side * side; } ///< per sample
    /// Throws UsageError naming the setting: side even in [4, 256], channels in [1, 1024],
    /// groups dividing channels, embedDim >= 1, labelDim >= 0, inChannels in [1, 64].
    void validate() const;
};

/// The activations of a forward pass that the backward pass reads; reusable across calls (its
/// buffers grow as needed). One cache per concurrent forward pass.
struct UNetCache {
    int batch = 0;
    FloatBuffer input, embedInput;           ///< copies of x and the embedding
    FloatBuffer embedHidden, embedHiddenAct; ///< dense1 output, its SiLU
    FloatBuffer embedOut, embedOutAct;       ///< dense2 output, its SiLU (fed to the blocks)
    /// outputs of conv_in, block1, downsample, mid_block, the concatenation, block2
    FloatBuffer stem, high, down, mid, attended, concat, decoded;
    FloatBuffer xhatOut, rstdOut, actOut, siluOut; ///< the output norm and its SiLU
    ResBlockCache block1, midBlock, block2;
    AttentionCache midAttention;
};

/// A named range of UNet::params() (one layer).
struct ParamSegment {
    std::string name;
    long offset = 0;
    long count = 0;
};

class UNet {
public:
    /// Validates the config (UsageError). Parameters start at zero: call initialise().
    explicit UNet(const UNetConfig& config);
    /// PyTorch defaults from Philox with the seed: Kaiming-uniform (a = sqrt(5)) conv and dense
    /// weights, biases ~ U(+-1/sqrt(fan_in)), GroupNorm gamma = 1, beta = 0; the final conv
    /// ("conv_out") is zero, as in DDPM, so the initial output is 0.
    void initialise(std::uint64_t seed);

    const UNetConfig& config() const { return m_config; }
    long paramCount() const { return long(m_params.size()); }
    FloatBuffer& params() { return m_params; }
    const FloatBuffer& params() const { return m_params; }
    /// The layers' ranges in params(), in order: embed_dense1, embed_dense2, conv_in, block1,
    /// downsample, mid_block, [mid_attention], block2, norm_out, conv_out.
    const std::vector<ParamSegment>& paramSegments() const { return m_segments; }
    /// The segment with this name; throws UsageError for an unknown one.
    const ParamSegment& paramSegment(const std::string& name) const;

    /// out (batch x imageFloats) = UNet(x (batch x imageFloats), embed (batch x
    /// embedInputDim)), and fills `cache` for backward. batch >= 1. Deterministic: the same
    /// inputs and parameters give the same bits (no threads inside).
    void forward(const float* x, const float* embed, int batch, float* out, UNetCache& cache) const;
    /// Given dL/dout (batch x imageFloats) and the cache of the last forward pass, adds
    /// dL/dparams to `grads` (size paramCount(); the caller zeroes it). When not null, `dembed`
    /// (batch x embedInputDim) and `dx` (batch x imageFloats) receive dL/dembed and dL/dx
    /// (overwritten). Throws UsageError if `grads` has the wrong size or the cache another
    /// batch.
    void backward(const UNetCache& cache, const float* dout, int batch, FloatBuffer& grads,
                  float* dembed = nullptr, float* dx = nullptr) const;
    /// dL/dx alone (batch x imageFloats, overwritten), as backward computes it, without the
    /// parameter and embedding gradients: the vector-Jacobian product of a probe, at about
    /// half a backward pass's cost (no im2col or weight GEMMs, no conditioning MLP).
    void inputBackward(const UNetCache& cache, const float* dout, int batch, float* dx) const;

private:
    long add(const std::string& name, long count);
    /// backward's pass; `grads` (paramCount() floats) and `dembed` may be null (not wanted).
    void backwardPass(const UNetCache& cache, const float* dout, int batch, float* grads,
                      float* dembed, float* dx) const;

    UNetConfig m_config;
    Dense m_embed1, m_embed2;
    Conv2d m_convIn;
    ResBlock m_block1;
    Conv2d m_down;
    ResBlock m_mid;
    std::optional<AttentionBlock> m_attention;
    ResBlock m_block2;
    GroupNorm m_normOut;
    Conv2d m_convOut;
    long m_embed1At, m_embed2At, m_convInAt, m_block1At, m_downAt, m_midAt,
        m_attentionAt = 0, m_block2At, m_normOutAt, m_convOutAt;
    std::vector<ParamSegment> m_segments;
    FloatBuffer m_params;
};

} // namespace dfs
