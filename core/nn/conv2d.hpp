// A 2D convolution layer (square images, square kernels, zero padding) evaluated by im2col and
// one matrix product per image. Activations are batch-major NCHW: a batch of B images with C
// channels of side S is B x C x S x S floats. The layer is a stateless descriptor: its
// parameters live in a slice of the owning network's flat buffer.
#pragma once

#include <cstdint>

namespace dfs {

class Conv2d {
public:
    /// Throws UsageError unless channels, kernel, stride >= 1, 0 <= pad < kernel and the kernel
    /// fits the padded input.
    Conv2d(int inChannels, int outChannels, int kernel, int stride, int pad, int inSide);

    int inChannels() const { return m_in; }
    int outChannels() const { return m_out; }
    int inSide() const { return m_inSide; }
    /// floor((inSide + 2 pad - kernel) / stride) + 1
    int outSide() const { return m_outSide; }
    long inFloats() const { return long(m_in) * m_inSide * m_inSide; }     ///< per image
    long outFloats() const { return long(m_out) * m_outSide * m_outSide; } ///< per image
    /// Parameters: W (outChannels x inChannels x kernel x kernel, row-major), then b (outChannels).
    long weightCount() const { return long(m_out) * m_in * m_k * m_k; }
    long paramCount() const { return weightCount() + m_out; }

    /// PyTorch's nn.Conv2d default (param_init.hpp) with fanIn = inChannels kernel^2.
    void initialise(float* params, std::uint64_t seed, std::uint32_t stream) const;

    /// out[b, o, y, x] = b_o + sum_{c, i, j} W[o, c, i, j] in[b, c, stride y - pad + i,
    /// stride x - pad + j] (zero outside the image). `out` holds batch * outFloats() floats.
    void forward(const float* params, const float* in, int batch, float* out) const;
    /// Given dL/dout, adds dL/dparams to `dparams` and dL/din to `din`, each when not null
    /// (both accumulate: the caller zeroes them). `in` is the forward input.
    void backward(const float* params, const float* in, const float* dout, int batch,
                  float* dparams, float* din) const;

private:
    /// col (in k k x outSide^2, row-major) of one image; a 1x1 stride-1 kernel needs none.
    void im2col(const float* image, float* col) const;
    /// image += the scatter of col (the adjoint of im2col).
    void col2imAdd(const float* col, float* image) const;
    bool isPointwise() const { return m_k == 1 && m_stride == 1 && m_pad == 0; }
    /// The image's receptive-field matrix: the image itself when pointwise, else im2col into col.
    const float* unrolled(const float* image, float* col) const;

    int m_in, m_out, m_k, m_stride, m_pad, m_inSide, m_outSide;
};

} // namespace dfs
