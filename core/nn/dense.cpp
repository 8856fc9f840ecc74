// Fully connected layer forward and backward as Eigen matrix products over the flat buffers.
#include "core/nn/dense.hpp"

#include "core/nn/mlp_kernels.hpp"

#include "core/errors.hpp"
#include "core/nn/param_init.hpp"

#include <Eigen/Core>
#include <fmt/format.h>

namespace dfs {

namespace {
using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MapF = Eigen::Map<RowMatrixF, Eigen::Unaligned>;
using ConstMapF = Eigen::Map<const RowMatrixF, Eigen::Unaligned>;
using RowVecF = Eigen::Map<Eigen::RowVectorXf, Eigen::Unaligned>;
using ConstRowVecF = Eigen::Map<const Eigen::RowVectorXf, Eigen::Unaligned>;
} // namespace

Dense::Dense(int inDim, int outDim) : m_in(inDim), m_out(outDim) {
    if (inDim < 1 || outDim < 1)
        throw UsageError(fmt::format("dense layer: bad shape {} -> {}", inDim, outDim));
}

void Dense::initialise(float* params, std::uint64_t seed, std::uint32_t stream) const {
    initialiseAffine(params, long(m_out) * m_in, params + long(m_out) * m_in, m_out, m_in, seed,
                     stream);
}

void Dense::forward(const float* params, const float* in, int batch, float* out) const {
    const ConstRowVecF bias(params + long(m_out) * m_in, m_out);
    const MlpKernels& k = mlpKernels();                             // ISA-specific products
    k.gemm(batch, m_out, m_in, in, false, params, true, 0.0f, out); // y = x W^T
    MapF(out, batch, m_out).rowwise() += bias;
}

void Dense::backward(const float* params, const float* in, const float* dout, int batch,
                     float* dparams, float* din) const {
    const MlpKernels& k = mlpKernels();
    if (dparams) {
        k.gemm(m_out, m_in, batch, dout, true, in, false, 1.0f, dparams); // dW += dY^T x
        RowVecF(dparams + long(m_out) * m_in, m_out) +=
            ConstMapF(dout, batch, m_out).colwise().sum();
    }
    if (din) k.gemm(batch, m_in, m_out, dout, false, params, false, 1.0f, din); // dx += dY W
}

} // namespace dfs
