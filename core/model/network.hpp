// The network of a learned model: an MLP (2-D points and small images) or a U-Net (images),
// behind one interface. Both map network inputs (inputDim x n, column-major: c_in x, the noise
// embedding, the one-hot label; see networkInputs in model.hpp) to outputs (dim x n,
// column-major), and keep their parameters in one flat float buffer.
#pragma once

#include "core/nn/mlp.hpp"
#include "core/nn/unet.hpp"

#include <cstdint>
#include <variant>

namespace dfs {

struct ModelSpec;

/// Per-thread buffers of a forward (and backward) pass; reusable across calls.
struct NetworkWorkspace {
    FloatBuffer acts, scratch; ///< MLP
    FloatBuffer image, embed;  ///< U-Net: the inputs split into images and embeddings
    UNetCache cache;           ///< U-Net
};

class Network {
public:
    /// The spec's architecture; throws UsageError for a bad one.
    explicit Network(const ModelSpec& spec);
    void initialise(std::uint64_t seed);
    long paramCount() const;
    FloatBuffer& params();
    const FloatBuffer& params() const;
    /// The MLP, or null for a U-Net (the Vulkan backend runs MLPs only).
    const Mlp* mlp() const { return std::get_if<Mlp>(&m_net); }

    /// out (dim x n) = network(in (inputDim x n)). Thread-safe with one workspace per thread.
    void forward(const float* in, int n, float* out, NetworkWorkspace& ws) const;
    /// forward() that also keeps in `ws` what backward() needs (the U-Net always keeps it).
    void forwardTrain(const float* in, int n, float* out, NetworkWorkspace& ws) const;
    /// After forwardTrain(in, n, ...) with the same workspace: grads (overwritten, paramCount) =
    /// dLoss/dparams given dOut (dim x n).
    void backward(const float* in, const float* dOut, int n, NetworkWorkspace& ws,
                  FloatBuffer& grads) const;
    /// U-Net only: after forward(in, n, ...) with the same workspace, the vector-Jacobian
    /// product dIn (dim x n) = J^T dOut of the outputs with respect to the network's first dim
    /// inputs (c_in x), by the input half of a backward pass (UNet::inputBackward: no parameter
    /// gradients). The workspace's cache is only read, so one forward pass serves
    /// many products. Hutchinson's trace estimator uses it (core/denoisers/learned_vjp.hpp).
    /// Throws UsageError for an MLP.
    void imageInputVjp(const float* dOut, int n, NetworkWorkspace& ws, float* dIn) const;

private:
    void splitInputs(const float* in, int n, NetworkWorkspace& ws) const;
    int m_dim, m_inputDim;
    std::variant<Mlp, UNet> m_net;
};

} // namespace dfs
