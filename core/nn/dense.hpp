// A fully connected layer on batch-major rows (B x inDim -> B x outDim), used by the U-Net's
// time-embedding MLP and its per-block embedding projections. A stateless descriptor over a
// slice of the owning network's flat parameters.
#pragma once

#include <cstdint>

namespace dfs {

class Dense {
public:
    /// Throws UsageError unless both dimensions are >= 1.
    Dense(int inDim, int outDim);

    int inDim() const { return m_in; }
    int outDim() const { return m_out; }
    /// Parameters: W (outDim x inDim, row-major), then b (outDim).
    long paramCount() const { return long(m_out) * m_in + m_out; }
    /// PyTorch's nn.Linear default (param_init.hpp) with fanIn = inDim.
    void initialise(float* params, std::uint64_t seed, std::uint32_t stream) const;

    /// out (batch x outDim) = in (batch x inDim) W^T + b, rows one per sample.
    void forward(const float* params, const float* in, int batch, float* out) const;
    /// Given dL/dout, adds dW += dout^T in, db += column sums of dout to `dparams` and dout W
    /// to `din` (accumulating), each when not null.
    void backward(const float* params, const float* in, const float* dout, int batch,
                  float* dparams, float* din) const;

private:
    int m_in, m_out;
};

} // namespace dfs
