// MLP training on the device (core/backend/train_device.hpp): the weights, the Adam moments
// and the EMA live in device-local buffers; a step is one submission with the batch's upload,
// the forward pass (shaders/train_forward.comp), the loss gradient (train_loss.comp), the
// backward pass (train_backward_dw.comp, train_backward_dh.comp) and the gradient's squared
// norm (sum_squares.comp), and the download of the outputs and the norm's partial sums. The
// AdamW update (adam.comp) goes at the head of the next submission, once the Trainer has
// decided on it (divergence, clipping).
#include "core/vulkan/backend_impl.hpp"

#include "core/backend/train_device.hpp"
#include "core/nn/mlp.hpp"

#include <cmath>
#include <cstring>
#include <optional>

namespace dfs::vk {

namespace {

constexpr std::uint32_t kSumGroup = 256; ///< local_size_x of sum_squares.comp
constexpr std::uint32_t kDwTile = 64;    ///< TILE of train_backward_dw.comp (outputs x inputs)
constexpr std::uint32_t kDwGroup = 256;  ///< its local_size_x

/// Workgroups of train_backward_dw.comp: one per 64 x 64 tile of dW, then the bias's.
std::uint32_t dwGroups(std::uint32_t nIn, std::uint32_t nOut) {
    const std::uint32_t tiles = ((nOut + kDwTile - 1) / kDwTile) * ((nIn + kDwTile - 1) / kDwTile);
    return tiles + (nOut + kDwGroup - 1) / kDwGroup;
}

class VulkanTrainDevice final : public TrainDevice {
public:
    VulkanTrainDevice(VulkanBackend& b, const MlpShape& shape, std::size_t params)
        : m_b(b), m_shape(shape), m_n(params), m_params(b.context(), 4 * params, Memory::Device),
          m_grads(b.context(), 4 * params, Memory::Device),
          m_state(b.context(), 3 * 4 * params, Memory::Device),
          m_partials(b.context(), 4 * partials(), Memory::Device) {}

    void load(const FloatBuffer& params, const FloatBuffer& m, const FloatBuffer& v, long adamSteps,
              const FloatBuffer& ema) override {
        m_b.context().throwIfLost();
        m_b.discardUploads();
        m_t = adamSteps;
        m_b.put(m_params, 0, params.data(), 4 * m_n);
        m_b.put(m_state, 0, m.data(), 4 * m_n);
        m_b.put(m_state, 4 * m_n, v.data(), 4 * m_n);
        m_b.put(m_state, 8 * m_n, ema.data(), 4 * m_n);
        m_b.context().submit([&](VkCommandBuffer cmd) {
            m_b.recordUploads(cmd);
            barrierToHost(cmd);
        });
    }

    double gradient(const float* input, const float* target, const float* weight, int n,
                    float* out) override {
        m_b.context().throwIfLost();
        m_b.discardUploads();
        const auto batch = std::uint32_t(n);
        const auto d = std::uint32_t(m_shape.dims[m_shape.layers]);
        const auto in = std::uint32_t(m_shape.dims[0]);
        // The batch: input (in x n), targets (d x n), weights (n).
        const std::size_t batchFloats = std::size_t(in + d + 1) * batch;
        Buffer& data = grow(m_batch, 4 * batchFloats);
        m_b.put(data, 0, input, 4 * std::size_t(in) * batch);
        m_b.put(data, 4 * std::size_t(in) * batch, target, 4 * std::size_t(d) * batch);
        m_b.put(data, 4 * std::size_t(in + d) * batch, weight, 4 * std::size_t(batch));
        std::uint32_t actFloats = 0, widest = 0;
        for (int l = 1; l <= m_shape.layers; ++l) {
            actFloats += 2 * std::uint32_t(m_shape.dims[l]) * batch;
            widest = std::max(widest, std::uint32_t(m_shape.dims[l]));
        }
        for (int l = 0; l <= m_shape.layers; ++l)
            widest = std::max(widest, std::uint32_t(m_shape.dims[l]));
        Buffer& acts = grow(m_acts, 4 * std::size_t(actFloats));
        Buffer& work = grow(m_work, 2 * 4 * std::size_t(widest) * batch);

        Pipeline& fwd = m_b.pipeline(kSpirv_train_forward, 3, sizeof(TrainForwardPush));
        Pipeline& loss = m_b.pipeline(kSpirv_train_loss, 3, sizeof(TrainLossPush));
        Pipeline& dw = m_b.pipeline(kSpirv_train_backward_dw, 4, sizeof(TrainBackwardDwPush));
        Pipeline& dh = m_b.pipeline(kSpirv_train_backward_dh, 3, sizeof(TrainBackwardDhPush));
        Pipeline& sum = m_b.pipeline(kSpirv_sum_squares, 2, sizeof(SumSquaresPush));
        const VkDescriptorSet fwdSet = fwd.allocateSets({{&m_params, &data, &acts}})[0];
        const VkDescriptorSet lossSet = loss.allocateSets({{&data, &acts, &work}})[0];
        const VkDescriptorSet dwSet = dw.allocateSets({{&data, &acts, &work, &m_grads}})[0];
        const VkDescriptorSet dhSet = dh.allocateSets({{&m_params, &acts, &work}})[0];
        const VkDescriptorSet sumSet = sum.allocateSets({{&m_grads, &m_partials}})[0];

        const auto z = [&](int l) { return zOffset(l, batch); }; // Z of layer l = 1..L
        m_b.context().submit([&](VkCommandBuffer cmd) {
            m_b.recordUploads(cmd);
            recordUpdate(cmd);
            std::uint32_t w = 0;
            for (int l = 0; l < m_shape.layers; ++l) {
                const auto nIn = std::uint32_t(m_shape.dims[l]);
                const auto nOut = std::uint32_t(m_shape.dims[l + 1]);
                const TrainForwardPush p{
                    nIn,
                    nOut,
                    batch,
                    w,
                    l == 0,
                    l == 0 ? 0 : z(l) + nIn * batch,
                    z(l + 1),
                    l + 1 < m_shape.layers ? std::uint32_t(m_shape.activation) : kNoActivation};
                if (l > 0) barrierBetweenDispatches(cmd);
                fwd.record(cmd, fwdSet, &p, groupsFor(Index(nOut) * batch));
                w += nOut * (nIn + 1);
            }
            const TrainLossPush lp{d,
                                   batch,
                                   z(m_shape.layers),
                                   in * batch,
                                   (in + d) * batch,
                                   float(1.0 / (double(batch) * d))};
            barrierBetweenDispatches(cmd);
            loss.record(cmd, lossSet, &lp, groupsFor(Index(d) * batch));
            std::uint32_t dz = 0, other = widest * batch;
            for (int l = m_shape.layers - 1; l >= 0; --l) {
                const auto nIn = std::uint32_t(m_shape.dims[l]);
                const auto nOut = std::uint32_t(m_shape.dims[l + 1]);
                w -= nOut * (nIn + 1);
                const TrainBackwardDwPush gp{
                    nIn, nOut, batch, w, l == 0, l == 0 ? 0 : z(l) + nIn * batch, dz};
                barrierBetweenDispatches(cmd);
                dw.record(cmd, dwSet, &gp, dwGroups(nIn, nOut));
                if (l == 0) break;
                const TrainBackwardDhPush hp{nIn,  nOut, batch, w,
                                             z(l), dz,   other, std::uint32_t(m_shape.activation)};
                barrierBetweenDispatches(cmd); // the same work buffer as dW's reads
                dh.record(cmd, dhSet, &hp, groupsFor(Index(nIn) * batch));
                std::swap(dz, other);
            }
            const SumSquaresPush sp{std::uint32_t(m_n)};
            barrierBetweenDispatches(cmd);
            sum.record(cmd, sumSet, &sp, std::uint32_t(partials()));
            m_b.recordDownloads(
                cmd, {{&acts, 4 * std::size_t(z(m_shape.layers)), 4 * std::size_t(d) * batch},
                      {&m_partials, 0, 4 * partials()}});
        });
        const auto* f = static_cast<const float*>(m_b.downloaded());
        std::memcpy(out, f, 4 * std::size_t(d) * batch);
        double norm2 = 0;
        for (std::size_t i = 0; i < partials(); ++i) norm2 += f[std::size_t(d) * batch + i];
        return norm2;
    }

    void update(double lr, double clip, double emaDecay, const AdamConfig& c) override {
        ++m_t; // as AdamW::step (core/nn/adam.cpp)
        const double bc1 = 1.0 - std::pow(c.beta1, double(m_t));
        const double bc2 = 1.0 - std::pow(c.beta2, double(m_t));
        m_update = AdamPush{std::uint32_t(m_n),
                            float(c.beta1),
                            float(c.beta2),
                            float(lr / bc1),
                            float(1.0 - lr * c.weightDecay),
                            float(c.eps),
                            float(1.0 / std::sqrt(bc2)),
                            float(clip),
                            float(emaDecay)};
    }

    void read(FloatBuffer& params, FloatBuffer& ema) override {
        m_b.context().throwIfLost();
        m_b.discardUploads();
        m_b.context().submit([&](VkCommandBuffer cmd) {
            recordUpdate(cmd);
            m_b.recordDownloads(cmd, {{&m_params, 0, 4 * m_n}, {&m_state, 8 * m_n, 4 * m_n}});
        });
        const auto* f = static_cast<const float*>(m_b.downloaded());
        params.resize(m_n);
        ema.resize(m_n);
        std::memcpy(params.data(), f, 4 * m_n);
        std::memcpy(ema.data(), f + m_n, 4 * m_n);
    }

private:
    std::size_t partials() const { return (m_n + kSumGroup - 1) / kSumGroup; }
    /// Z of layer l (1..L) in the activations: Z_k and H_k of the layers below come first.
    std::uint32_t zOffset(int l, std::uint32_t batch) const {
        std::uint32_t off = 0;
        for (int k = 1; k < l; ++k) off += 2 * std::uint32_t(m_shape.dims[k]) * batch;
        return off;
    }
    Buffer& grow(std::unique_ptr<Buffer>& b, std::size_t bytes) {
        if (!b || b->size() < bytes)
            b = std::make_unique<Buffer>(m_b.context(), bytes, Memory::Device);
        return *b;
    }
    /// The pending AdamW update, first in a submission (after the uploads).
    void recordUpdate(VkCommandBuffer cmd) {
        if (!m_update) return;
        Pipeline& adam = m_b.pipeline(kSpirv_adam, 3, sizeof(AdamPush));
        const VkDescriptorSet set = adam.allocateSets({{&m_params, &m_grads, &m_state}})[0];
        barrierBetweenDispatches(cmd); // after the last step's gradient
        adam.record(cmd, set, &*m_update, groupsFor(Index(m_n)));
        barrierBetweenDispatches(cmd);
        m_update.reset();
    }

    VulkanBackend& m_b;
    MlpShape m_shape;
    std::size_t m_n;
    Buffer m_params, m_grads, m_state, m_partials;
    std::unique_ptr<Buffer> m_batch, m_acts, m_work;
    long m_t = 0;
    std::optional<AdamPush> m_update;
};

} // namespace

std::unique_ptr<TrainDevice> VulkanBackend::mlpTrainDevice(const Mlp& net, int batch) {
    if (!m_onDevice || batch < 1) return nullptr;
    // One invocation per value: each dispatch within the 65,535 workgroups every device
    // offers, and each buffer (bound whole) within the device's storage-buffer range.
    const MlpShape& s = net.shape();
    const double maxItems = 65535.0 * kGroup, range = bufferBytes();
    double acts = 0;
    for (int l = 1; l <= s.layers; ++l) acts += 2.0 * s.dims[l] * batch;
    const double params = double(net.paramCount()), widest = widestLayer(s);
    if (widest * batch > maxItems || params > maxItems || 4 * acts > range ||
        4 * 2 * widest * batch > range || 4 * 3 * params > range)
        return nullptr;
    return std::make_unique<VulkanTrainDevice>(*this, s, std::size_t(net.paramCount()));
}

} // namespace dfs::vk
