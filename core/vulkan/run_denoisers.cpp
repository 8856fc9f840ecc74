// The models' kernels recorded over slots: the ideal denoiser, the exact GMM and the learned MLP
// (one fused dispatch for networks up to 128 wide, else input, layers and output).
#include "core/vulkan/run_denoisers.hpp"

#include "core/denoisers/gmm_denoiser.hpp"
#include "core/denoisers/ideal_denoiser.hpp"
#include "core/denoisers/learned_denoiser.hpp"
#include "core/nn/mlp.hpp"

#include <cstring>

namespace dfs::vk {

namespace {

/// The learned MLP, all on the device: the shared features of each level are precomputed into
/// a table (folded into the first layer's bias for the fused kernel), the rest is one fused
/// dispatch (shaders/mlp_fused.comp) for networks up to 128 wide and 8 layers, else input, one
/// dispatch per layer, and output.
class MlpRun final : public RunDenoiser {
public:
    MlpRun(VulkanBackend& b, const LearnedDenoiser& model)
        : m_b(b), m_model(model), m_net(*model.model().net.mlp()),
          m_fused(widestLayer(m_net.shape()) <= kFusedWidth &&
                  m_net.shape().layers <= kFusedLayers &&
                  b.context().limits().maxComputeSharedMemorySize >= kFusedShared &&
                  b.context().limits().maxComputeWorkGroupInvocations >= kFusedInvocations) {}
    double workPerRow() const override { return double(m_net.paramCount()); }
    Index maxRows() const override { // the fused kernel: one workgroup per 64 rows
        return m_fused ? Index(65535) * kFusedRows : m_b.mlpRows(m_net, Index(1) << 16, 1);
    }
    void prepare(const std::vector<NoiseLevel>& levels) override {
        const ModelSpec& spec = m_model.model().spec;
        const MlpShape& shape = m_net.shape();
        const auto d = std::uint32_t(spec.dim), in = std::uint32_t(spec.inputDim());
        std::vector<float> table(spec.mean.begin(), spec.mean.end()); // then each level's features
        const float* w = m_net.params().data(); // W_1 column-major (nOut x in), then b_1
        const auto nOut = std::size_t(shape.dims[1]);
        for (const NoiseLevel& l : levels) {
            const LearnedDenoiser::Affine f = m_model.affine(l);
            const auto features = std::uint32_t(table.size());
            const float ratio = float(f.ratio), alpha = float(l.alpha),
                        invScale = float(1.0 / spec.scale), scale = float(spec.scale);
            if (m_fused) { // the first layer's bias with the shared features folded in
                for (std::size_t j = 0; j < nOut; ++j) {
                    double bias = w[nOut * in + j];
                    for (std::size_t k = d; k < in; ++k)
                        bias += double(w[k * nOut + j]) * f.features[k - d];
                    table.push_back(float(bias));
                }
                MlpFusedPush fp{0,
                                d,
                                0,
                                0,
                                0,
                                features,
                                std::uint32_t(shape.layers),
                                std::uint32_t(shape.activation),
                                ratio,
                                alpha,
                                invScale,
                                float(f.cin),
                                scale,
                                float(f.a),
                                float(f.b),
                                {}};
                for (int k = 0; k <= shape.layers; ++k) fp.dims[k] = std::uint32_t(shape.dims[k]);
                m_fusedPushes.push_back(fp);
                continue;
            }
            table.insert(table.end(), f.features.begin(), f.features.end());
            m_inputs.push_back({0, d, in, features, 0, 0, ratio, alpha, invScale, float(f.cin)});
            m_outputs.push_back(
                {0, d, 0, 0, 0, ratio, alpha, invScale, scale, float(f.a), float(f.b)});
        }
        m_table = &m_b.scratch(m_b.m_components, sizeof(float) * table.size());
        m_b.put(*m_table, 0, table.data(), sizeof(float) * table.size());
        m_params = &m_b.mlpParams(m_net);
    }
    void bind(Buffer& slots, std::uint32_t n) override {
        if (m_fused) {
            Pipeline& p = m_b.pipeline(kSpirv_mlp_fused, 3, sizeof(MlpFusedPush));
            m_fusedSet = p.allocateSets({{&slots, m_params, m_table}})[0];
            return;
        }
        const std::size_t act = sizeof(float) * std::size_t(widestLayer(m_net.shape())) * n;
        Buffer& a = m_b.scratch(m_b.m_actA, act);
        Buffer& b = m_b.scratch(m_b.m_actB, act);
        m_inSet = input().allocateSets({{&slots, m_table, &a}})[0];
        m_layerSets = layer().allocateSets({{m_params, &a, &b}, {m_params, &b, &a}});
        const Buffer& netOut = m_net.shape().layers % 2 ? b : a;
        m_outSet = output().allocateSets({{&slots, &netOut, m_table}})[0];
        m_layers = layerPushes(m_net.shape(), n);
    }
    void record(VkCommandBuffer cmd, std::size_t e, std::uint32_t in, std::uint32_t out,
                std::uint32_t n, std::uint32_t stride) override {
        if (m_fused) {
            MlpFusedPush fp = m_fusedPushes[e];
            fp.n = n, fp.stride = stride, fp.xSlot = in, fp.dSlot = out;
            m_b.pipeline(kSpirv_mlp_fused, 3, sizeof(MlpFusedPush))
                .record(cmd, m_fusedSet, &fp, std::uint32_t((n + kFusedRows - 1) / kFusedRows));
            return;
        }
        MlpInputPush ip = m_inputs[e];
        ip.n = n, ip.stride = stride, ip.xSlot = in;
        input().record(cmd, m_inSet, &ip, groupsFor(Index(n) * ip.inDim));
        for (std::size_t l = 0; l < m_layers.size(); ++l) {
            barrierBetweenDispatches(cmd);
            layer().record(cmd, m_layerSets[l % 2], &m_layers[l],
                           groupsFor(Index(m_layers[l].nOut) * n));
        }
        MlpOutputPush op = m_outputs[e];
        op.n = n, op.stride = stride, op.xSlot = in, op.dSlot = out;
        barrierBetweenDispatches(cmd);
        output().record(cmd, m_outSet, &op, groupsFor(Index(n) * op.dim));
    }

private:
    static constexpr int kFusedWidth = 128, kFusedLayers = 8; ///< WIDTH, dims[] in the shader
    static constexpr std::uint32_t kFusedRows = 64;           ///< ROWS in the shader
    /// What the fused kernel needs of the device (Vulkan guarantees 16 KiB and 128): act[] and
    /// local_size_x in the shader.
    static constexpr std::uint32_t kFusedShared = 4 * kFusedRows * kFusedWidth,
                                   kFusedInvocations = 256;
    Pipeline& input() { return m_b.pipeline(kSpirv_mlp_input, 3, sizeof(MlpInputPush)); }
    Pipeline& layer() { return m_b.pipeline(kSpirv_mlp_layer, 3, sizeof(MlpPush)); }
    Pipeline& output() { return m_b.pipeline(kSpirv_mlp_output, 3, sizeof(MlpOutputPush)); }

    VulkanBackend& m_b;
    const LearnedDenoiser& m_model;
    const Mlp& m_net;
    bool m_fused;
    std::vector<MlpFusedPush> m_fusedPushes;
    std::vector<MlpInputPush> m_inputs;
    std::vector<MlpOutputPush> m_outputs;
    std::vector<MlpPush> m_layers;
    Buffer *m_table = nullptr, *m_params = nullptr;
    VkDescriptorSet m_fusedSet = VK_NULL_HANDLE, m_inSet = VK_NULL_HANDLE,
                    m_outSet = VK_NULL_HANDLE;
    std::vector<VkDescriptorSet> m_layerSets;
};

/// The ideal denoiser (shaders/ideal_denoise.comp) reading and writing slots.
class IdealRun final : public RunDenoiser {
public:
    IdealRun(VulkanBackend& b, const IdealDenoiser& model)
        : m_b(b), m_train(model.train()),
          m_p(b.pipeline(kSpirv_ideal_denoise, 3, sizeof(IdealPush), int(model.dim()))) {}
    double workPerRow() const override { return 4.0 * double(m_train.size()); }
    Index maxRows() const override { return Index(1) << 16; }
    void prepare(const std::vector<NoiseLevel>& levels) override {
        m_levels = levels;
        m_b.upload(m_train, m_b.scratch(m_b.m_train, sizeof(float) * std::size_t(m_train.size())));
    }
    void bind(Buffer& slots, std::uint32_t) override {
        m_set = m_p.allocateSets({{m_b.m_train.get(), &slots, &slots}})[0];
    }
    void record(VkCommandBuffer cmd, std::size_t e, std::uint32_t in, std::uint32_t out,
                std::uint32_t n, std::uint32_t stride) override {
        const NoiseLevel& l = m_levels[e];
        inChunks(n, rowsForPairs(m_b.context(), m_train.rows()),
                 [&](std::uint32_t offset, std::uint32_t groups) {
                     const IdealPush push{std::uint32_t(m_train.rows()),
                                          n,
                                          offset,
                                          float(l.alpha),
                                          float(1.0 / (2.0 * l.sigma * l.sigma)),
                                          in * stride,
                                          out * stride};
                     m_p.record(cmd, m_set, &push, groups);
                 });
    }

private:
    VulkanBackend& m_b;
    const Matrix& m_train;
    Pipeline& m_p;
    std::vector<NoiseLevel> m_levels;
    VkDescriptorSet m_set = VK_NULL_HANDLE;
};

/// The exact GMM denoiser (shaders/gmm_denoise.comp): every level's marginal components in one
/// table.
class GmmRun final : public RunDenoiser {
public:
    GmmRun(VulkanBackend& b, const GmmDenoiser& model)
        : m_b(b), m_model(model), m_dim(std::uint32_t(model.dim())),
          m_p(b.pipeline(kSpirv_gmm_denoise, 3, sizeof(GmmPush), int(model.dim()))) {}
    double workPerRow() const override {
        return double(m_model.params().size()) * (2.0 * m_dim * m_dim + 4.0 * m_dim);
    }
    Index maxRows() const override { return Index(1) << 16; }
    void prepare(const std::vector<NoiseLevel>& levels) override {
        std::vector<float> table;
        for (const NoiseLevel& l : levels) {
            m_offsets.push_back(std::uint32_t(table.size()));
            for (const double v : m_model.packedMarginals(l)) table.push_back(float(v));
        }
        m_table = &m_b.scratch(m_b.m_components, sizeof(float) * table.size());
        m_b.put(*m_table, 0, table.data(), sizeof(float) * table.size());
    }
    void bind(Buffer& slots, std::uint32_t) override {
        m_set = m_p.allocateSets({{m_table, &slots, &slots}})[0];
    }
    void record(VkCommandBuffer cmd, std::size_t e, std::uint32_t in, std::uint32_t out,
                std::uint32_t n, std::uint32_t stride) override {
        const auto k = std::uint32_t(m_model.params().size());
        inChunks(n, rowsForPairs(m_b.context(), k),
                 [&](std::uint32_t offset, std::uint32_t groups) {
                     const GmmPush push{k,
                                        n,
                                        1 + 2 * m_dim + 2 * m_dim * m_dim,
                                        offset,
                                        m_offsets[e],
                                        in * stride,
                                        out * stride};
                     m_p.record(cmd, m_set, &push, groups);
                 });
    }

private:
    VulkanBackend& m_b;
    const GmmDenoiser& m_model;
    std::uint32_t m_dim;
    Pipeline& m_p;
    std::vector<std::uint32_t> m_offsets;
    Buffer* m_table = nullptr;
    VkDescriptorSet m_set = VK_NULL_HANDLE;
};

} // namespace

std::unique_ptr<RunDenoiser> runDenoiserFor(VulkanBackend& b, const Denoiser& model) {
    const bool small = model.dim() <= kMaxDim;
    if (const auto* ideal = dynamic_cast<const IdealDenoiser*>(&model); ideal && small)
        return std::make_unique<IdealRun>(b, *ideal);
    if (const auto* gmm = dynamic_cast<const GmmDenoiser*>(&model);
        gmm && small && gmm->params().size() <= kMaxComponents)
        return std::make_unique<GmmRun>(b, *gmm);
    if (const auto* learned = dynamic_cast<const LearnedDenoiser*>(&model);
        learned && learned->model().net.mlp())
        return std::make_unique<MlpRun>(b, *learned);
    return nullptr;
}

} // namespace dfs::vk
