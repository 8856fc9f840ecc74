// MLP construction, initialisation and inference.
#include "core/nn/mlp.hpp"

#include "core/errors.hpp"
#include "core/rng/philox.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace dfs {

Mlp::Mlp(const MlpConfig& c) : m_config(c) {
    if (c.inDim < 1 || c.outDim < 1) throw UsageError("an MLP needs inputs and outputs");
    if (c.width < 1 || c.width > 4096)
        throw UsageError(fmt::format("--width must be in [1, 4096] (got {})", c.width));
    if (c.depth < 1 || c.depth >= MlpShape::kMaxLayers)
        throw UsageError(
            fmt::format("--depth must be in [1, {}] (got {})", MlpShape::kMaxLayers - 1, c.depth));
    m_shape.layers = c.depth + 1;
    m_shape.dims[0] = c.inDim;
    for (int l = 1; l <= c.depth; ++l) m_shape.dims[l] = c.width;
    m_shape.dims[c.depth + 1] = c.outDim;
    m_shape.activation = int(c.activation);
    m_params.assign(std::size_t(mlpParamCount(m_shape)), 0.0f);
}

void Mlp::initialise(std::uint64_t seed) {
    long off = 0;
    std::uint32_t block = 0;
    for (int l = 0; l < m_shape.layers; ++l) {
        const long n = long(m_shape.dims[l + 1]) * (m_shape.dims[l] + 1);
        const double bound = 1.0 / std::sqrt(double(m_shape.dims[l]));
        for (long i = 0; i < n; i += 4, ++block) {
            const auto u = philoxUniforms4(seed, 0x4d4c5000u + std::uint32_t(l), 0, 0, block);
            for (long j = 0; j < 4 && i + j < n; ++j)
                m_params[std::size_t(off + i + j)] = float((2 * u[std::size_t(j)] - 1) * bound);
        }
        off += n;
    }
}

void Mlp::forward(const float* in, int batch, float* out, FloatBuffer& acts) const {
    run(mlpKernels().forward, in, batch, out, acts);
}

void Mlp::forwardTrain(const float* in, int batch, float* out, FloatBuffer& acts) const {
    run(mlpKernels().forwardTrain, in, batch, out, acts);
}

void Mlp::run(ForwardFn fn, const float* in, int batch, float* out, FloatBuffer& acts) const {
    const long need = mlpActivationFloats(m_shape, batch);
    if (long(acts.size()) < need) acts.resize(std::size_t(need));
    fn(m_shape, m_params.data(), in, batch, acts.data());
    const float* o = mlpOutput(m_shape, acts.data(), batch);
    std::copy(o, o + long(m_config.outDim) * batch, out);
}

} // namespace dfs
