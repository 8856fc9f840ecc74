// The two architectures behind Network.
#include "core/model/network.hpp"

#include "core/errors.hpp"
#include "core/model/model.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace dfs {

namespace {

std::variant<Mlp, UNet> build(const ModelSpec& s) {
    if (s.architecture == "mlp") return Mlp(s.mlpConfig());
    if (s.architecture == "unet") return UNet(s.unetConfig());
    throw UsageError(fmt::format("--architecture must be mlp or unet (got '{}')", s.architecture));
}

} // namespace

Network::Network(const ModelSpec& spec)
    : m_dim(spec.dim), m_inputDim(spec.inputDim()), m_net(build(spec)) {}

void Network::initialise(std::uint64_t seed) {
    std::visit([&](auto& n) { n.initialise(seed); }, m_net);
}

long Network::paramCount() const {
    return std::visit([](const auto& n) { return n.paramCount(); }, m_net);
}

FloatBuffer& Network::params() {
    return std::visit([](auto& n) -> FloatBuffer& { return n.params(); }, m_net);
}

const FloatBuffer& Network::params() const {
    return std::visit([](const auto& n) -> const FloatBuffer& { return n.params(); }, m_net);
}

void Network::splitInputs(const float* in, int n, NetworkWorkspace& ws) const {
    // Column b of the input is [x (dim), embedding and label (inputDim - dim)].
    const int e = m_inputDim - m_dim;
    ws.image.resize(std::size_t(n) * std::size_t(m_dim));
    ws.embed.resize(std::size_t(n) * std::size_t(e));
    for (int b = 0; b < n; ++b) {
        const float* col = in + std::size_t(b) * std::size_t(m_inputDim);
        std::copy_n(col, m_dim, ws.image.data() + std::size_t(b) * std::size_t(m_dim));
        std::copy_n(col + m_dim, e, ws.embed.data() + std::size_t(b) * std::size_t(e));
    }
}

void Network::forward(const float* in, int n, float* out, NetworkWorkspace& ws) const {
    if (const Mlp* mlp = std::get_if<Mlp>(&m_net)) return mlp->forward(in, n, out, ws.acts);
    const UNet& u = std::get<UNet>(m_net);
    splitInputs(in, n, ws);
    u.forward(ws.image.data(), ws.embed.data(), n, out, ws.cache); // (n x dim) = (dim x n)
}

void Network::forwardTrain(const float* in, int n, float* out, NetworkWorkspace& ws) const {
    if (const Mlp* mlp = std::get_if<Mlp>(&m_net)) return mlp->forwardTrain(in, n, out, ws.acts);
    forward(in, n, out, ws);
}

void Network::backward(const float* in, const float* dOut, int n, NetworkWorkspace& ws,
                       FloatBuffer& grads) const {
    grads.resize(std::size_t(paramCount()));
    if (const Mlp* mlp = std::get_if<Mlp>(&m_net)) {
        const MlpShape& s = mlp->shape();
        ws.scratch.resize(std::size_t(mlpScratchFloats(s, n)));
        mlpKernels().backward(s, mlp->params().data(), in, ws.acts.data(), dOut, n, grads.data(),
                              ws.scratch.data());
        return;
    }
    std::fill(grads.begin(), grads.end(), 0.0f); // the U-Net adds into grads
    std::get<UNet>(m_net).backward(ws.cache, dOut, n, grads);
}

void Network::imageInputVjp(const float* dOut, int n, NetworkWorkspace& ws, float* dIn) const {
    const UNet* u = std::get_if<UNet>(&m_net);
    if (!u)
        throw UsageError("the input vector-Jacobian product is implemented for the U-Net; the "
                         "MLP has its exact Jacobian by forward mode");
    u->inputBackward(ws.cache, dOut, n, dIn);
}

} // namespace dfs
