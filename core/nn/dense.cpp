// Fully connected layer forward and backward as Eigen matrix products over the flat buffers.
#include "core/nn/dense.hpp"

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
    const ConstMapF w(params, m_out, m_in);
    const ConstRowVecF bias(params + long(m_out) * m_in, m_out);
    MapF y(out, batch, m_out);
    y.noalias() = ConstMapF(in, batch, m_in) * w.transpose();
    y.rowwise() += bias;
}

void Dense::backward(const float* params, const float* in, const float* dout, int batch,
                     float* dparams, float* din) const {
    const ConstMapF dy(dout, batch, m_out);
    MapF(dparams, m_out, m_in).noalias() += dy.transpose() * ConstMapF(in, batch, m_in);
    RowVecF(dparams + long(m_out) * m_in, m_out) += dy.colwise().sum();
    if (din) MapF(din, batch, m_in).noalias() += dy * ConstMapF(params, m_out, m_in);
}

} // namespace dfs
