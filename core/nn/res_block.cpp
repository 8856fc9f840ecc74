// ResBlock forward and backward by composition of the layer descriptors.
#include "core/nn/res_block.hpp"

#include "core/nn/grad_slice.hpp"
#include "core/nn/silu.hpp"

#include <algorithm>
#include <cstddef>

namespace dfs {

ResBlock::ResBlock(int inChannels, int outChannels, int side, int groups, int embedDim)
    : m_norm1(inChannels, groups, side * side), m_conv1(inChannels, outChannels, 3, 1, 1, side),
      m_proj(embedDim, outChannels), m_norm2(outChannels, groups, side * side),
      m_conv2(outChannels, outChannels, 3, 1, 1, side) {
    if (inChannels != outChannels) m_skip.emplace(inChannels, outChannels, 1, 1, 0, side);
    m_conv1At = m_norm1.paramCount();
    m_projAt = m_conv1At + m_conv1.paramCount();
    m_norm2At = m_projAt + m_proj.paramCount();
    m_conv2At = m_norm2At + m_norm2.paramCount();
    m_skipAt = m_conv2At + m_conv2.paramCount();
    m_paramCount = m_skipAt + (m_skip ? m_skip->paramCount() : 0);
}

void ResBlock::initialise(float* params, std::uint64_t seed, std::uint32_t stream) const {
    m_norm1.initialise(params);
    m_conv1.initialise(params + m_conv1At, seed, stream);
    m_proj.initialise(params + m_projAt, seed, stream + 1);
    m_norm2.initialise(params + m_norm2At);
    m_conv2.initialise(params + m_conv2At, seed, stream + 2);
    if (m_skip) m_skip->initialise(params + m_skipAt, seed, stream + 3);
}

void ResBlock::forward(const float* params, const float* x, const float* embed, int batch,
                       float* out, ResBlockCache& c) const {
    const long nIn = batch * inFloats(), nOut = batch * outFloats();
    const int cout = outChannels();
    const long pixels = outFloats() / cout;
    for (FloatBuffer* b : {&c.xhat1, &c.act1, &c.silu1}) ensureSize(*b, nIn);
    for (FloatBuffer* b : {&c.hidden, &c.xhat2, &c.act2, &c.silu2}) ensureSize(*b, nOut);
    ensureSize(c.rstd1, long(batch) * m_norm1.groups());
    ensureSize(c.rstd2, long(batch) * m_norm2.groups());
    ensureSize(c.proj, long(batch) * cout);

    m_norm1.forward(params, x, batch, c.act1.data(), c.xhat1.data(), c.rstd1.data());
    siluForward(c.act1.data(), nIn, c.silu1.data());
    m_conv1.forward(params + m_conv1At, c.silu1.data(), batch, c.hidden.data());
    m_proj.forward(params + m_projAt, embed, batch, c.proj.data());
    for (long bc = 0; bc < long(batch) * cout; ++bc) {
        float* plane = c.hidden.data() + bc * pixels;
        const float p = c.proj[std::size_t(bc)];
        for (long i = 0; i < pixels; ++i) plane[i] += p;
    }
    m_norm2.forward(params + m_norm2At, c.hidden.data(), batch, c.act2.data(), c.xhat2.data(),
                    c.rstd2.data());
    siluForward(c.act2.data(), nOut, c.silu2.data());
    m_conv2.forward(params + m_conv2At, c.silu2.data(), batch, out);
    if (m_skip) {
        FloatBuffer skip(static_cast<std::size_t>(nOut));
        m_skip->forward(params + m_skipAt, x, batch, skip.data());
        for (long i = 0; i < nOut; ++i) out[i] += skip[std::size_t(i)];
    } else {
        for (long i = 0; i < nOut; ++i) out[i] += x[i];
    }
}

void ResBlock::backward(const float* params, const float* x, const float* embed,
                        const ResBlockCache& c, const float* dout, int batch, float* dparams,
                        float* dx, float* dembed) const {
    const long nIn = batch * inFloats(), nOut = batch * outFloats();
    const int cout = outChannels();
    const long pixels = outFloats() / cout;
    FloatBuffer gOutA(std::size_t(nOut), 0.0f), gOutB(std::size_t(nOut), 0.0f);
    FloatBuffer gInA(std::size_t(nIn), 0.0f), gInB(std::size_t(nIn), 0.0f);

    // the residual path
    if (m_skip)
        m_skip->backward(params + m_skipAt, x, dout, batch, gradSlice(dparams, m_skipAt), dx);
    else
        for (long i = 0; i < nOut; ++i) dx[i] += dout[i];
    // conv2 <- SiLU <- norm2
    m_conv2.backward(params + m_conv2At, c.silu2.data(), dout, batch, gradSlice(dparams, m_conv2At),
                     gOutA.data());
    siluBackward(c.act2.data(), gOutA.data(), nOut, gOutB.data());
    std::fill(gOutA.begin(), gOutA.end(), 0.0f);
    m_norm2.backward(params + m_norm2At, c.xhat2.data(), c.rstd2.data(), gOutB.data(), batch,
                     gradSlice(dparams, m_norm2At), gOutA.data()); // gOutA = dL/dhidden
    // the embedding projection is a per-channel bias: its gradient sums over the pixels
    if (dparams || dembed) {
        FloatBuffer dproj(std::size_t(batch) * cout);
        for (long bc = 0; bc < long(batch) * cout; ++bc) {
            const float* plane = gOutA.data() + bc * pixels;
            float s = 0;
            for (long i = 0; i < pixels; ++i) s += plane[i];
            dproj[std::size_t(bc)] = s;
        }
        m_proj.backward(params + m_projAt, embed, dproj.data(), batch, gradSlice(dparams, m_projAt),
                        dembed);
    }
    // conv1 <- SiLU <- norm1
    m_conv1.backward(params + m_conv1At, c.silu1.data(), gOutA.data(), batch,
                     gradSlice(dparams, m_conv1At), gInA.data());
    siluBackward(c.act1.data(), gInA.data(), nIn, gInB.data());
    m_norm1.backward(params, c.xhat1.data(), c.rstd1.data(), gInB.data(), batch, dparams, dx);
}

} // namespace dfs
