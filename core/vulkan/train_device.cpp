// MLP training on the device (core/backend/train_device.hpp): the data, the weights, the Adam
// moments and the EMA live in device-local buffers. One submission runs many optimiser steps:
// the upload of the host's per-sample draws, the batches formed from them
// (shaders/train_draw.comp), then per step the forward pass (train_forward.comp), the loss
// gradient and the errors (train_loss.comp), the backward pass (train_backward_dw.comp,
// train_backward_dh.comp), the gradient's squared norm (sum_squares.comp, norm_total.comp) and
// AdamW with the gradient clipped on the device (adam.comp); at the end the download of every
// step's errors and norm. The weights at the submission's start are kept on the device, so that
// keep(j) can go back and replay j steps when the host finds a divergence in the losses
// afterwards.
#include "core/vulkan/backend_impl.hpp"

#include "core/backend/train_device.hpp"
#include "core/errors.hpp"
#include "core/nn/mlp.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace dfs::vk {

namespace {

constexpr std::uint32_t kSumGroup = 256;  ///< local_size_x of sum_squares.comp
constexpr std::uint32_t kTile = 64;       ///< TILE of the tiled training kernels (train_*.comp)
constexpr std::uint32_t kTileGroup = 256; ///< their local_size_x
constexpr int kMaxSteps = 64;             ///< optimiser steps in one submission, at most

/// Workgroups for one 64 x 64 tile each of a rows x columns matrix: Z (outputs x samples) in
/// train_forward.comp, dH (inputs x samples) in train_backward_dh.comp, dW (outputs x inputs)
/// in train_backward_dw.comp.
std::uint32_t tileGroups(std::uint32_t rows, std::uint32_t columns) {
    return ((rows + kTile - 1) / kTile) * ((columns + kTile - 1) / kTile);
}

/// Workgroups of train_backward_dw.comp: its tiles of dW, then the bias's.
std::uint32_t dwGroups(std::uint32_t nIn, std::uint32_t nOut) {
    return tileGroups(nOut, nIn) + (nOut + kTileGroup - 1) / kTileGroup;
}

class VulkanTrainDevice final : public TrainDevice {
public:
    VulkanTrainDevice(VulkanBackend& b, const MlpShape& shape, std::size_t params)
        : m_b(b), m_shape(shape), m_n(params), m_params(b.context(), 4 * params, Memory::Device),
          m_grads(b.context(), 4 * params, Memory::Device),
          m_state(b.context(), 3 * 4 * params, Memory::Device),
          m_start(b.context(), 4 * 4 * params, Memory::Device),
          m_partials(b.context(), 4 * partials(), Memory::Device),
          m_norms(b.context(), 4 * kMaxSteps, Memory::Device) {}

    bool setData(const TrainData& data) override {
        const double bytes = 4.0 * double(data.rows) * data.dim;
        if (data.rows == 0 || bytes > m_b.bufferBytes()) return false;
        m_b.context().throwIfLost();
        m_b.discardUploads();
        m_data = data;
        m_data.points = nullptr; // not kept: the device has its copy
        const std::vector<float> pairs = embeddingFrequencyPairs(data.embedDim);
        m_points = std::make_unique<Buffer>(m_b.context(), std::size_t(bytes), Memory::Device);
        m_freqs = std::make_unique<Buffer>(m_b.context(), 4 * pairs.size(), Memory::Device);
        m_b.put(*m_points, 0, data.points, std::size_t(bytes));
        m_b.put(*m_freqs, 0, pairs.data(), 4 * pairs.size());
        m_b.context().submit([&](VkCommandBuffer cmd) {
            m_b.recordUploads(cmd);
            barrierToHost(cmd);
        });
        return true;
    }

    void load(const FloatBuffer& params, const FloatBuffer& m, const FloatBuffer& v, long adamSteps,
              const FloatBuffer& ema) override {
        m_b.context().throwIfLost();
        m_b.discardUploads();
        m_t = adamSteps;
        m_plan.clear();
        m_b.put(m_params, 0, params.data(), 4 * m_n);
        m_b.put(m_state, 0, m.data(), 4 * m_n);
        m_b.put(m_state, 4 * m_n, v.data(), 4 * m_n);
        m_b.put(m_state, 8 * m_n, ema.data(), 4 * m_n);
        m_b.context().submit([&](VkCommandBuffer cmd) {
            m_b.recordUploads(cmd);
            barrierToHost(cmd);
        });
    }

    int maxSteps(int n) const override {
        if (m_b.options().trainStepsPerSubmission > 0)
            return std::min(kMaxSteps, m_b.options().trainStepsPerSubmission);
        // Forward and backward: about 3 multiply-adds per parameter and sample; the batches
        // and outputs of all steps within one buffer.
        const double work = 3.0 * double(m_n) * n;
        const double bytes = double(batchFloats(std::uint32_t(n)) * 4 + outFloats(n) * 4 +
                                    sizeof(SampleDraw) * std::size_t(n));
        const double room = std::min(256.0 * 1024 * 1024, m_b.bufferBytes());
        const double k = std::min(submissionBudget(m_b.context()) / work, room / bytes);
        return int(std::clamp(k, 1.0, double(kMaxSteps)));
    }

    void steps(int k, int n, const SampleDraw* draws, std::uint32_t firstStep, const StepPlan* plan,
               double gradClip, const AdamConfig& config, float* errors, double* norm2) override {
        if (k < 1 || k > maxSteps(n)) throw UsageError("TrainDevice::steps: k out of range");
        if (!m_points) throw UsageError("TrainDevice::steps: no data (setData)");
        m_b.context().throwIfLost();
        m_b.discardUploads();
        const auto batch = std::uint32_t(n);
        const std::size_t drawBytes = sizeof(SampleDraw) * std::size_t(n) * std::size_t(k);
        Buffer& drawn = grow(m_draws, drawBytes);
        m_b.put(drawn, 0, draws, drawBytes);
        grow(m_batch, 4 * batchFloats(batch) * std::size_t(k));
        Buffer& outs = grow(m_outs, 4 * outFloats(n) * std::size_t(k));
        m_plan.assign(plan, plan + k);
        m_clip = gradClip;
        m_config = config;
        m_batchSize = batch;
        m_startT = m_t;
        m_b.context().submit([&](VkCommandBuffer cmd) {
            m_b.recordUploads(cmd);
            // The weights, moments and EMA as they are now, for keep().
            copyState(cmd, false);
            recordDraws(cmd, k, firstStep);
            recordSteps(cmd, k);
            m_b.recordDownloads(cmd, {{&outs, 0, 4 * outFloats(n) * std::size_t(k)},
                                      {&m_norms, 0, 4 * std::size_t(k)}});
        });
        const auto* f = static_cast<const float*>(m_b.downloaded());
        std::memcpy(errors, f, 4 * outFloats(n) * std::size_t(k));
        for (int s = 0; s < k; ++s) norm2[s] = f[outFloats(n) * std::size_t(k) + std::size_t(s)];
    }

    void keep(int j) override {
        if (j < 0 || j >= int(m_plan.size())) return; // all of them (or none ran)
        m_b.context().throwIfLost();
        m_b.discardUploads();
        m_t = m_startT;
        m_b.context().submit([&](VkCommandBuffer cmd) {
            copyState(cmd, true);
            recordSteps(cmd, j); // the same batches, still on the device: the same steps
            barrierToHost(cmd);
        });
        m_plan.resize(std::size_t(j));
    }

    void read(FloatBuffer& params, FloatBuffer& ema) override {
        m_b.context().throwIfLost();
        m_b.discardUploads();
        m_b.context().submit([&](VkCommandBuffer cmd) {
            m_b.recordDownloads(cmd, {{&m_params, 0, 4 * m_n}, {&m_state, 8 * m_n, 4 * m_n}});
        });
        const auto* f = static_cast<const float*>(m_b.downloaded());
        params.resize(m_n);
        ema.resize(m_n);
        std::memcpy(params.data(), f, 4 * m_n);
        std::memcpy(ema.data(), f + m_n, 4 * m_n);
    }

private:
    std::size_t outDim() const { return std::size_t(m_shape.dims[m_shape.layers]); }
    std::size_t partials() const { return (m_n + kSumGroup - 1) / kSumGroup; }
    /// One step's batch: input (in x n), targets (d x n), weights (n).
    std::size_t batchFloats(std::uint32_t n) const {
        return (std::size_t(m_shape.dims[0]) + outDim() + 1) * n;
    }
    std::size_t outFloats(int n) const { return outDim() * std::size_t(n); }
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

    /// Forms the batches of k steps in m_batch from the draws in m_draws.
    void recordDraws(VkCommandBuffer cmd, int k, std::uint32_t firstStep) {
        const auto inDim = std::uint32_t(m_shape.dims[0]);
        const TrainDrawPush p{m_batchSize,
                              std::uint32_t(m_data.dim),
                              inDim,
                              std::uint32_t(m_data.embedDim / 2),
                              std::uint32_t(m_data.classes),
                              std::uint32_t(k),
                              firstStep,
                              std::uint32_t(m_data.seed),
                              std::uint32_t(m_data.seed >> 32),
                              m_data.noiseSubstream};
        Pipeline& draw = m_b.pipeline(kSpirv_train_draw, 4, sizeof(TrainDrawPush));
        const VkDescriptorSet set =
            draw.allocateSets({{&*m_draws, &*m_points, &*m_freqs, &*m_batch}})[0];
        const double values = double(batchFloats(m_batchSize)) * k;
        barrierBetweenDispatches(cmd);
        draw.record(cmd, set, &p, std::uint32_t(std::min(65535.0, std::ceil(values / kGroup))));
    }

    /// Copies the weights and the state (m, v, EMA) into m_start, or back from it.
    void copyState(VkCommandBuffer cmd, bool back) {
        // m_start: the weights (n floats), then m, v and the EMA (3n), as m_state holds them.
        barrierBeforeCopies(cmd);
        const VkBufferCopy params{0, 0, 4 * m_n};
        const VkBufferCopy state{back ? 4 * m_n : 0, back ? 0 : 4 * m_n, 12 * m_n};
        if (back) {
            vkCmdCopyBuffer(cmd, m_start.handle(), m_params.handle(), 1, &params);
            vkCmdCopyBuffer(cmd, m_start.handle(), m_state.handle(), 1, &state);
        } else {
            vkCmdCopyBuffer(cmd, m_params.handle(), m_start.handle(), 1, &params);
            vkCmdCopyBuffer(cmd, m_state.handle(), m_start.handle(), 1, &state);
        }
        barrierAfterCopies(cmd);
    }

    /// The first k steps of m_plan on the batches in m_batch, the outputs into m_outs and the
    /// squared norms into m_norms.
    void recordSteps(VkCommandBuffer cmd, int k) {
        const std::uint32_t batch = m_batchSize;
        const auto d = std::uint32_t(outDim());
        const auto in = std::uint32_t(m_shape.dims[0]);
        std::uint32_t actFloats = 0, widest = 0;
        for (int l = 1; l <= m_shape.layers; ++l)
            actFloats += 2 * std::uint32_t(m_shape.dims[l]) * batch;
        for (int l = 0; l <= m_shape.layers; ++l)
            widest = std::max(widest, std::uint32_t(m_shape.dims[l]));
        Buffer& acts = grow(m_acts, 4 * std::size_t(actFloats));
        Buffer& work = grow(m_work, 2 * 4 * std::size_t(widest) * batch);
        Buffer &data = *m_batch, &outs = *m_outs;

        Pipeline& fwd = m_b.pipeline(kSpirv_train_forward, 3, sizeof(TrainForwardPush));
        Pipeline& loss = m_b.pipeline(kSpirv_train_loss, 4, sizeof(TrainLossPush));
        Pipeline& dw = m_b.pipeline(kSpirv_train_backward_dw, 4, sizeof(TrainBackwardDwPush));
        Pipeline& dh = m_b.pipeline(kSpirv_train_backward_dh, 3, sizeof(TrainBackwardDhPush));
        Pipeline& sum = m_b.pipeline(kSpirv_sum_squares, 2, sizeof(SumSquaresPush));
        Pipeline& total = m_b.pipeline(kSpirv_norm_total, 2, sizeof(NormTotalPush));
        Pipeline& adam = m_b.pipeline(kSpirv_adam, 4, sizeof(AdamPush));
        // One set per pipeline for the whole submission: the steps differ in push constants.
        const VkDescriptorSet fwdSet = fwd.allocateSets({{&m_params, &data, &acts}})[0];
        const VkDescriptorSet lossSet = loss.allocateSets({{&data, &acts, &work, &outs}})[0];
        const VkDescriptorSet dwSet = dw.allocateSets({{&data, &acts, &work, &m_grads}})[0];
        const VkDescriptorSet dhSet = dh.allocateSets({{&m_params, &acts, &work}})[0];
        const VkDescriptorSet sumSet = sum.allocateSets({{&m_grads, &m_partials}})[0];
        const VkDescriptorSet totalSet = total.allocateSets({{&m_partials, &m_norms}})[0];
        const VkDescriptorSet adamSet =
            adam.allocateSets({{&m_params, &m_grads, &m_state, &m_norms}})[0];

        const auto z = [&](int l) { return zOffset(l, batch); }; // Z of layer l = 1..L
        for (int s = 0; s < k; ++s) {
            const auto base = std::uint32_t(batchFloats(batch) * std::size_t(s));
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
                    l == 0 ? base : z(l) + nIn * batch,
                    z(l + 1),
                    l + 1 < m_shape.layers ? std::uint32_t(m_shape.activation) : kNoActivation};
                barrierBetweenDispatches(cmd); // after the last step's AdamW
                fwd.record(cmd, fwdSet, &p, tileGroups(nOut, batch));
                w += nOut * (nIn + 1);
            }
            const TrainLossPush lp{d,
                                   batch,
                                   z(m_shape.layers),
                                   base + in * batch,
                                   base + (in + d) * batch,
                                   float(1.0 / (double(batch) * d)),
                                   std::uint32_t(s) * d * batch};
            barrierBetweenDispatches(cmd);
            loss.record(cmd, lossSet, &lp, groupsFor(Index(d) * batch));
            std::uint32_t dz = 0, other = widest * batch;
            for (int l = m_shape.layers - 1; l >= 0; --l) {
                const auto nIn = std::uint32_t(m_shape.dims[l]);
                const auto nOut = std::uint32_t(m_shape.dims[l + 1]);
                w -= nOut * (nIn + 1);
                const TrainBackwardDwPush gp{
                    nIn, nOut, batch, w, l == 0, l == 0 ? base : z(l) + nIn * batch, dz};
                barrierBetweenDispatches(cmd);
                dw.record(cmd, dwSet, &gp, dwGroups(nIn, nOut));
                if (l == 0) break;
                const TrainBackwardDhPush hp{nIn,  nOut, batch, w,
                                             z(l), dz,   other, std::uint32_t(m_shape.activation)};
                barrierBetweenDispatches(cmd); // the same work buffer as dW's reads
                dh.record(cmd, dhSet, &hp, tileGroups(nIn, batch));
                std::swap(dz, other);
            }
            const SumSquaresPush sp{std::uint32_t(m_n)};
            barrierBetweenDispatches(cmd);
            sum.record(cmd, sumSet, &sp, std::uint32_t(partials()));
            const NormTotalPush tp{std::uint32_t(partials()), std::uint32_t(s)};
            barrierBetweenDispatches(cmd);
            total.record(cmd, totalSet, &tp, 1);
            const AdamPush ap = adamPush(m_plan[std::size_t(s)], std::uint32_t(s));
            barrierBetweenDispatches(cmd);
            adam.record(cmd, adamSet, &ap, groupsFor(Index(m_n)));
        }
    }

    /// AdamW's constants for the next update (core/nn/adam.cpp counts the step first).
    AdamPush adamPush(const StepPlan& plan, std::uint32_t slot) {
        ++m_t;
        const AdamConfig& c = m_config;
        const double bc1 = 1.0 - std::pow(c.beta1, double(m_t));
        const double bc2 = 1.0 - std::pow(c.beta2, double(m_t));
        return AdamPush{std::uint32_t(m_n),
                        float(c.beta1),
                        float(c.beta2),
                        float(plan.lr / bc1),
                        float(1.0 - plan.lr * c.weightDecay),
                        float(c.eps),
                        float(1.0 / std::sqrt(bc2)),
                        float(m_clip),
                        float(plan.emaDecay),
                        slot};
    }

    VulkanBackend& m_b;
    MlpShape m_shape;
    std::size_t m_n;
    Buffer m_params, m_grads, m_state;
    Buffer m_start; ///< the weights, m, v and EMA at the last steps() call's start
    Buffer m_partials, m_norms;
    std::unique_ptr<Buffer> m_batch, m_outs, m_acts, m_work;
    std::unique_ptr<Buffer> m_points, m_freqs, m_draws; ///< the data, its embedding, the draws
    TrainData m_data;                                   ///< its shape (no points)
    long m_t = 0, m_startT = 0; ///< AdamW updates so far, and at the last steps() call's start
    // The last steps() call, for keep().
    std::vector<StepPlan> m_plan;
    double m_clip = 0;
    AdamConfig m_config;
    std::uint32_t m_batchSize = 0;
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
    const double batchBytes = 4.0 * (s.dims[0] + s.dims[s.layers] + 1) * batch;
    if (widest * batch > maxItems || params > maxItems || 4 * acts > range ||
        4 * 2 * widest * batch > range || 4 * 4 * params > range || batchBytes > range)
        return nullptr;
    return std::make_unique<VulkanTrainDevice>(*this, s, std::size_t(net.paramCount()));
}

} // namespace dfs::vk
