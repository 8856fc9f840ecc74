// U-Net assembly: parameter layout, initialisation, and the forward and backward passes through
// the layers of conv2d.hpp, group_norm.hpp, dense.hpp, res_block.hpp and upsample.hpp.
#include "core/nn/unet.hpp"

#include "core/errors.hpp"
#include "core/nn/grad_slice.hpp"
#include "core/nn/silu.hpp"
#include "core/nn/upsample.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>

namespace dfs {

namespace {

constexpr std::uint32_t kStream = 0x554e0000u; // 'UN': Philox streams of the U-Net's layers

const UNetConfig& validated(const UNetConfig& c) {
    c.validate();
    return c;
}

/// Copies `count` planes of floats per sample from a (batch x srcStride) array into a
/// (batch x dstStride) array at float offset dstAt of each sample (the channel concatenation).
void copyPerSample(const float* src, long srcStride, long count, int batch, float* dst,
                   long dstStride, long dstAt) {
    for (int b = 0; b < batch; ++b)
        std::copy(src + b * srcStride, src + b * srcStride + count, dst + b * dstStride + dstAt);
}

} // namespace

void UNetConfig::validate() const {
    if (side < 4 || side > 256 || side % 2 != 0)
        throw UsageError(
            fmt::format("U-Net image side must be even and in [4, 256] (got {})", side));
    if (channels < 1 || channels > 1024)
        throw UsageError(fmt::format("U-Net channels must be in [1, 1024] (got {})", channels));
    if (groups < 1 || channels % groups != 0)
        throw UsageError(
            fmt::format("U-Net groups ({}) must divide the channels ({})", groups, channels));
    if (embedDim < 1)
        throw UsageError(fmt::format("U-Net embedding size must be >= 1 (got {})", embedDim));
    if (labelDim < 0)
        throw UsageError(fmt::format("U-Net label size must be >= 0 (got {})", labelDim));
    if (inChannels < 1 || inChannels > 64)
        throw UsageError(
            fmt::format("U-Net image channels must be in [1, 64] (got {})", inChannels));
}

UNet::UNet(const UNetConfig& config)
    : m_config(validated(config)), m_embed1(config.embedInputDim(), 4 * config.channels),
      m_embed2(4 * config.channels, 4 * config.channels),
      m_convIn(config.inChannels, config.channels, 3, 1, 1, config.side),
      m_block1(config.channels, config.channels, config.side, config.groups, 4 * config.channels),
      m_down(config.channels, 2 * config.channels, 3, 2, 1, config.side),
      m_mid(2 * config.channels, 2 * config.channels, config.side / 2, config.groups,
            4 * config.channels),
      m_block2(3 * config.channels, config.channels, config.side, config.groups,
               4 * config.channels),
      m_normOut(config.channels, config.groups, config.side * config.side),
      m_convOut(config.channels, config.inChannels, 3, 1, 1, config.side) {
    m_embed1At = add("embed_dense1", m_embed1.paramCount());
    m_embed2At = add("embed_dense2", m_embed2.paramCount());
    m_convInAt = add("conv_in", m_convIn.paramCount());
    m_block1At = add("block1", m_block1.paramCount());
    m_downAt = add("downsample", m_down.paramCount());
    m_midAt = add("mid_block", m_mid.paramCount());
    if (config.attention) {
        m_attention.emplace(2 * config.channels, config.side * config.side / 4, config.groups);
        m_attentionAt = add("mid_attention", m_attention->paramCount());
    }
    m_block2At = add("block2", m_block2.paramCount());
    m_normOutAt = add("norm_out", m_normOut.paramCount());
    m_convOutAt = add("conv_out", m_convOut.paramCount());
    m_params.assign(std::size_t(m_convOutAt + m_convOut.paramCount()), 0.0f);
}

long UNet::add(const std::string& name, long count) {
    const long at = m_segments.empty() ? 0 : m_segments.back().offset + m_segments.back().count;
    m_segments.push_back({name, at, count});
    return at;
}

const ParamSegment& UNet::paramSegment(const std::string& name) const {
    for (const ParamSegment& s : m_segments)
        if (s.name == name) return s;
    throw UsageError(fmt::format("the U-Net has no parameter segment '{}'", name));
}

void UNet::initialise(std::uint64_t seed) {
    float* p = m_params.data();
    m_embed1.initialise(p + m_embed1At, seed, kStream + 0);
    m_embed2.initialise(p + m_embed2At, seed, kStream + 1);
    m_convIn.initialise(p + m_convInAt, seed, kStream + 2);
    m_block1.initialise(p + m_block1At, seed, kStream + 0x10);
    m_down.initialise(p + m_downAt, seed, kStream + 3);
    m_mid.initialise(p + m_midAt, seed, kStream + 0x20);
    if (m_attention) m_attention->initialise(p + m_attentionAt, seed, kStream + 0x40);
    m_block2.initialise(p + m_block2At, seed, kStream + 0x30);
    m_normOut.initialise(p + m_normOutAt);
    std::fill(p + m_convOutAt, p + m_convOutAt + m_convOut.paramCount(), 0.0f); // Ho et al.
}

void UNet::forward(const float* x, const float* embed, int batch, float* out, UNetCache& c) const {
    if (batch < 1) throw UsageError(fmt::format("U-Net batch must be >= 1 (got {})", batch));
    const float* p = m_params.data();
    const int ch = m_config.channels, hidden = 4 * ch;
    const long img = m_config.imageFloats(), emb = m_config.embedInputDim();
    const long high = long(ch) * m_config.side * m_config.side; // C at S, per sample
    const long low = m_down.outFloats();                        // 2C at S/2, per sample
    c.batch = batch;
    c.input.assign(x, x + batch * img);
    c.embedInput.assign(embed, embed + batch * emb);
    for (FloatBuffer* b : {&c.embedHidden, &c.embedHiddenAct, &c.embedOut, &c.embedOutAct})
        ensureSize(*b, long(batch) * hidden);
    for (FloatBuffer* b : {&c.stem, &c.high, &c.decoded, &c.xhatOut, &c.actOut, &c.siluOut})
        ensureSize(*b, batch * high);
    for (FloatBuffer* b : {&c.down, &c.mid, &c.attended}) ensureSize(*b, batch * low);
    ensureSize(c.concat, 3 * batch * high);
    ensureSize(c.rstdOut, long(batch) * m_config.groups);

    // the conditioning MLP: dense -> SiLU -> dense, activated once for all blocks (DDPM)
    m_embed1.forward(p + m_embed1At, embed, batch, c.embedHidden.data());
    siluForward(c.embedHidden.data(), long(batch) * hidden, c.embedHiddenAct.data());
    m_embed2.forward(p + m_embed2At, c.embedHiddenAct.data(), batch, c.embedOut.data());
    siluForward(c.embedOut.data(), long(batch) * hidden, c.embedOutAct.data());
    const float* t = c.embedOutAct.data();

    m_convIn.forward(p + m_convInAt, x, batch, c.stem.data());
    m_block1.forward(p + m_block1At, c.stem.data(), t, batch, c.high.data(), c.block1);
    m_down.forward(p + m_downAt, c.high.data(), batch, c.down.data());
    m_mid.forward(p + m_midAt, c.down.data(), t, batch, c.mid.data(), c.midBlock);
    const float* bottleneck = c.mid.data();
    if (m_attention) {
        m_attention->forward(p + m_attentionAt, c.mid.data(), batch, c.attended.data(),
                             c.midAttention);
        bottleneck = c.attended.data();
    }
    // concat [upsample(bottleneck) (2C), skip (C)] per sample
    FloatBuffer up(std::size_t(2 * batch * high));
    upsampleNearest2x(bottleneck, batch, 2 * ch, m_config.side / 2, up.data());
    copyPerSample(up.data(), 2 * high, 2 * high, batch, c.concat.data(), 3 * high, 0);
    copyPerSample(c.high.data(), high, high, batch, c.concat.data(), 3 * high, 2 * high);
    m_block2.forward(p + m_block2At, c.concat.data(), t, batch, c.decoded.data(), c.block2);
    m_normOut.forward(p + m_normOutAt, c.decoded.data(), batch, c.actOut.data(), c.xhatOut.data(),
                      c.rstdOut.data());
    siluForward(c.actOut.data(), batch * high, c.siluOut.data());
    m_convOut.forward(p + m_convOutAt, c.siluOut.data(), batch, out);
}

void UNet::backward(const UNetCache& c, const float* dout, int batch, FloatBuffer& grads,
                    float* dembed, float* dx) const {
    if (long(grads.size()) != paramCount())
        throw UsageError(fmt::format("U-Net gradient buffer has {} floats, expected {}",
                                     grads.size(), paramCount()));
    backwardPass(c, dout, batch, grads.data(), dembed, dx);
}

void UNet::inputBackward(const UNetCache& c, const float* dout, int batch, float* dx) const {
    backwardPass(c, dout, batch, nullptr, nullptr, dx);
}

void UNet::backwardPass(const UNetCache& c, const float* dout, int batch, float* g, float* dembed,
                        float* dx) const {
    if (batch != c.batch || batch < 1)
        throw UsageError(
            fmt::format("U-Net backward for batch {} with a cache of batch {}", batch, c.batch));
    const float* p = m_params.data();
    // dL/d(activated embedding): wanted for the parameters of the conditioning MLP or dembed
    const bool wantEmbed = g || dembed;
    const int ch = m_config.channels, hidden = 4 * ch;
    const long img = m_config.imageFloats(), emb = m_config.embedInputDim();
    const long high = long(ch) * m_config.side * m_config.side, low = m_down.outFloats();
    const float* t = c.embedOutAct.data();
    FloatBuffer dt(wantEmbed ? std::size_t(batch) * hidden : 0, 0.0f);
    float* dtOrNull = wantEmbed ? dt.data() : nullptr;

    // output head
    FloatBuffer gA(std::size_t(batch * high), 0.0f), gB(std::size_t(batch * high), 0.0f);
    m_convOut.backward(p + m_convOutAt, c.siluOut.data(), dout, batch, gradSlice(g, m_convOutAt),
                       gA.data());
    siluBackward(c.actOut.data(), gA.data(), batch * high, gB.data());
    std::fill(gA.begin(), gA.end(), 0.0f);
    m_normOut.backward(p + m_normOutAt, c.xhatOut.data(), c.rstdOut.data(), gB.data(), batch,
                       gradSlice(g, m_normOutAt), gA.data()); // gA = dL/d(block2 output)
    // decoder block, then split the concatenation
    FloatBuffer dconcat(std::size_t(3 * batch * high), 0.0f);
    m_block2.backward(p + m_block2At, c.concat.data(), t, c.block2, gA.data(), batch,
                      gradSlice(g, m_block2At), dconcat.data(), dtOrNull);
    FloatBuffer dup(std::size_t(2 * batch * high)), dhigh(std::size_t(batch * high));
    copyPerSample(dconcat.data(), 3 * high, 2 * high, batch, dup.data(), 2 * high, 0);
    copyPerSample(dconcat.data() + 2 * high, 3 * high, high, batch, dhigh.data(), high, 0);
    // bottleneck
    FloatBuffer dmid(std::size_t(batch * low), 0.0f), ddown(std::size_t(batch * low), 0.0f);
    upsampleNearest2xBackward(dup.data(), batch, 2 * ch, m_config.side / 2, dmid.data());
    if (m_attention) { // dmid holds dL/d(attention output) until here
        FloatBuffer dattended = std::move(dmid);
        dmid.assign(std::size_t(batch * low), 0.0f);
        m_attention->backward(p + m_attentionAt, c.midAttention, dattended.data(), batch,
                              gradSlice(g, m_attentionAt), dmid.data());
    }
    m_mid.backward(p + m_midAt, c.down.data(), t, c.midBlock, dmid.data(), batch,
                   gradSlice(g, m_midAt), ddown.data(), dtOrNull);
    m_down.backward(p + m_downAt, c.high.data(), ddown.data(), batch, gradSlice(g, m_downAt),
                    dhigh.data());
    // encoder
    FloatBuffer dstem(std::size_t(batch * high), 0.0f);
    m_block1.backward(p + m_block1At, c.stem.data(), t, c.block1, dhigh.data(), batch,
                      gradSlice(g, m_block1At), dstem.data(), dtOrNull);
    if (dx) std::fill(dx, dx + batch * img, 0.0f);
    m_convIn.backward(p + m_convInAt, c.input.data(), dstem.data(), batch, gradSlice(g, m_convInAt),
                      dx);
    if (!wantEmbed) return;
    // conditioning MLP
    FloatBuffer dh2(std::size_t(batch) * hidden, 0.0f), dh1a(std::size_t(batch) * hidden, 0.0f);
    FloatBuffer dh1(std::size_t(batch) * hidden, 0.0f);
    siluBackward(c.embedOut.data(), dt.data(), long(batch) * hidden, dh2.data());
    m_embed2.backward(p + m_embed2At, c.embedHiddenAct.data(), dh2.data(), batch,
                      gradSlice(g, m_embed2At), dh1a.data());
    siluBackward(c.embedHidden.data(), dh1a.data(), long(batch) * hidden, dh1.data());
    if (dembed) std::fill(dembed, dembed + batch * emb, 0.0f);
    m_embed1.backward(p + m_embed1At, c.embedInput.data(), dh1.data(), batch,
                      gradSlice(g, m_embed1At), dembed);
}

} // namespace dfs
