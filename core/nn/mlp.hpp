// A multilayer perceptron with its parameters in one flat float array (for the optimiser, EMA
// and checkpoints), evaluated by the kernels of mlp_kernels.hpp.
#pragma once

#include "core/nn/activation.hpp"
#include "core/nn/aligned_buffer.hpp"
#include "core/nn/mlp_kernels.hpp"

#include <cstdint>
#include <vector>

namespace dfs {

struct MlpConfig {
    int inDim = 2;
    int outDim = 2;
    int width = 128; ///< hidden units per layer
    int depth = 3;   ///< hidden layers
    Activation activation = Activation::SiLU;
};

class Mlp {
public:
    /// Throws UsageError for sizes out of range (width 1..4096, depth 1..kMaxLayers-1).
    explicit Mlp(const MlpConfig& config);
    /// PyTorch's nn.Linear default (Kaiming-uniform with a = sqrt(5), He et al. 2015):
    /// W and b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), drawn from Philox with the seed.
    void initialise(std::uint64_t seed);

    const MlpConfig& config() const { return m_config; }
    const MlpShape& shape() const { return m_shape; }
    long paramCount() const { return long(m_params.size()); }
    FloatBuffer& params() { return m_params; }
    const FloatBuffer& params() const { return m_params; }

    /// out (outDim x batch) = MLP(in (inDim x batch)), both column-major; `acts` is resized as
    /// needed and may be reused across calls.
    void forward(const float* in, int batch, float* out, FloatBuffer& acts) const;
    /// The same, keeping in `acts` what MlpKernels::backward needs (forwardTrain).
    void forwardTrain(const float* in, int batch, float* out, FloatBuffer& acts) const;

private:
    using ForwardFn = void (*)(const MlpShape&, const float*, const float*, int, float*);
    void run(ForwardFn fn, const float* in, int batch, float* out, FloatBuffer& acts) const;
    MlpConfig m_config;
    MlpShape m_shape;
    FloatBuffer m_params;
};

} // namespace dfs
