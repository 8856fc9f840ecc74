// Whole sampler runs on the device (Backend::runSampler): the particles stay in a bank of slots
// on the device from the first step to the last, and each step's traced program
// (core/samplers/step_program.hpp) is recorded as dispatches: the model's kernels for its
// Denoise ops, shaders/combine.comp (with the Philox noise) for its Combine ops. A run is one
// command buffer per chunk of particles unless its work exceeds a submission's budget.
#include "core/vulkan/backend_impl.hpp"

#include "core/denoisers/gmm_denoiser.hpp"
#include "core/denoisers/ideal_denoiser.hpp"
#include "core/denoisers/learned_denoiser.hpp"
#include "core/errors.hpp"
#include "core/nn/mlp.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/samplers/step_program.hpp"

#include <fmt/format.h>

#include <cstring>

namespace dfs::vk {

namespace {

struct CombinePush { // shaders/combine.comp
    std::uint32_t n, dim, stride, outSlot, firstTerm, termCount, seedLo, seedHi, step,
        firstParticle;
};
struct Term { // shaders/combine.comp
    std::uint32_t source, noise;
    float coef, unused;
};
struct MlpInputPush { // shaders/mlp_input.comp
    std::uint32_t n, dim, inDim, features, stride, xSlot;
    float ratio, alpha, invScale, cin;
};
struct MlpOutputPush { // shaders/mlp_output.comp
    std::uint32_t n, dim, stride, xSlot, dSlot;
    float ratio, alpha, invScale, scale, a, b;
};

/// Most slots a run may use (a step with more values runs as a SamplerRun on the CPU).
constexpr int kMaxSlots = 64;
/// Bytes the slots of one chunk may take.
constexpr double kSlotBytes = 256.0 * 1024 * 1024;

/// Records D(slot in) into slot out on one kind of model, for the evaluations of one run.
class RunDenoiser {
public:
    virtual ~RunDenoiser() = default;
    /// Multiply-adds of one evaluation per particle (for the submission budget).
    virtual double workPerRow() const = 0;
    /// Most particles a chunk may hold (dispatch limits).
    virtual Index maxRows() const = 0;
    /// Uploads what evaluations at these levels need (evaluation e is at levels[e]).
    virtual void prepare(const std::vector<NoiseLevel>& levels) = 0;
    /// Descriptor sets for a chunk of n particles whose slots are in `slots`.
    virtual void bind(Buffer& slots, std::uint32_t n) = 0;
    /// Evaluation e of slot `in` into slot `out`, each `stride` floats.
    virtual void record(VkCommandBuffer cmd, std::size_t e, std::uint32_t in, std::uint32_t out,
                        std::uint32_t n, std::uint32_t stride) = 0;
};

/// The learned MLP: network input, the layers, and the preconditioned output, all on the device
/// (the shared features of each level precomputed into a table).
class MlpRun final : public RunDenoiser {
public:
    MlpRun(VulkanBackend& b, const LearnedDenoiser& model)
        : m_b(b), m_model(model), m_net(*model.model().net.mlp()),
          m_input(b.pipeline(kSpirv_mlp_input, 3, sizeof(MlpInputPush))),
          m_layer(b.pipeline(kSpirv_mlp_layer, 3, sizeof(MlpPush))),
          m_output(b.pipeline(kSpirv_mlp_output, 3, sizeof(MlpOutputPush))) {}
    double workPerRow() const override { return double(m_net.paramCount()); }
    Index maxRows() const override { return m_b.mlpRows(m_net, Index(1) << 16, 1); }
    void prepare(const std::vector<NoiseLevel>& levels) override {
        const ModelSpec& spec = m_model.model().spec;
        const auto d = std::uint32_t(spec.dim), in = std::uint32_t(spec.inputDim());
        std::vector<float> table(spec.mean.begin(), spec.mean.end()); // then each level's features
        for (const NoiseLevel& l : levels) {
            const LearnedDenoiser::Affine f = m_model.affine(l);
            m_inputs.push_back({0, d, in, std::uint32_t(table.size()), 0, 0, float(f.ratio),
                                float(l.alpha), float(1.0 / spec.scale), float(f.cin)});
            m_outputs.push_back({0, d, 0, 0, 0, float(f.ratio), float(l.alpha),
                                 float(1.0 / spec.scale), float(spec.scale), float(f.a),
                                 float(f.b)});
            table.insert(table.end(), f.features.begin(), f.features.end());
        }
        m_table = &m_b.scratch(m_b.m_components, sizeof(float) * table.size());
        std::memcpy(m_table->data(), table.data(), sizeof(float) * table.size());
        m_params = &m_b.mlpParams(m_net);
    }
    void bind(Buffer& slots, std::uint32_t n) override {
        const std::size_t act = sizeof(float) * std::size_t(widestLayer(m_net.shape())) * n;
        Buffer& a = m_b.scratch(m_b.m_actA, act);
        Buffer& b = m_b.scratch(m_b.m_actB, act);
        m_inSet = m_input.allocateSets({{&slots, m_table, &a}})[0];
        m_layerSets = m_layer.allocateSets({{m_params, &a, &b}, {m_params, &b, &a}});
        const Buffer& netOut = m_net.shape().layers % 2 ? b : a;
        m_outSet = m_output.allocateSets({{&slots, &netOut, m_table}})[0];
        m_layers = layerPushes(m_net.shape(), n);
    }
    void record(VkCommandBuffer cmd, std::size_t e, std::uint32_t in, std::uint32_t out,
                std::uint32_t n, std::uint32_t stride) override {
        MlpInputPush ip = m_inputs[e];
        ip.n = n, ip.stride = stride, ip.xSlot = in;
        m_input.record(cmd, m_inSet, &ip, groupsFor(Index(n) * ip.inDim));
        for (std::size_t l = 0; l < m_layers.size(); ++l) {
            barrierBetweenDispatches(cmd);
            m_layer.record(cmd, m_layerSets[l % 2], &m_layers[l],
                           groupsFor(Index(m_layers[l].nOut) * n));
        }
        MlpOutputPush op = m_outputs[e];
        op.n = n, op.stride = stride, op.xSlot = in, op.dSlot = out;
        barrierBetweenDispatches(cmd);
        m_output.record(cmd, m_outSet, &op, groupsFor(Index(n) * op.dim));
    }

private:
    VulkanBackend& m_b;
    const LearnedDenoiser& m_model;
    const Mlp& m_net;
    Pipeline &m_input, &m_layer, &m_output;
    std::vector<MlpInputPush> m_inputs;
    std::vector<MlpOutputPush> m_outputs;
    std::vector<MlpPush> m_layers;
    Buffer *m_table = nullptr, *m_params = nullptr;
    VkDescriptorSet m_inSet = VK_NULL_HANDLE, m_outSet = VK_NULL_HANDLE;
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
        inChunks(n, rowsForPairs(m_train.rows()), [&](std::uint32_t offset, std::uint32_t groups) {
            const IdealPush push{std::uint32_t(m_train.rows()), n,           offset,
                                 float(l.alpha), float(1.0 / (2.0 * l.sigma * l.sigma)),
                                 in * stride,    out * stride};
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
        std::memcpy(m_table->data(), table.data(), sizeof(float) * table.size());
    }
    void bind(Buffer& slots, std::uint32_t) override {
        m_set = m_p.allocateSets({{m_table, &slots, &slots}})[0];
    }
    void record(VkCommandBuffer cmd, std::size_t e, std::uint32_t in, std::uint32_t out,
                std::uint32_t n, std::uint32_t stride) override {
        const auto k = std::uint32_t(m_model.params().size());
        inChunks(n, rowsForPairs(k), [&](std::uint32_t offset, std::uint32_t groups) {
            const GmmPush push{k,          n,           1 + 2 * m_dim + 2 * m_dim * m_dim,
                               offset,     m_offsets[e], in * stride,
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

/// The device path for the model, or none (a U-Net; dimensions past the kernels' limits).
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

} // namespace

bool VulkanBackend::runSampler(const Denoiser& model, const Schedule& schedule,
                               const SamplerRunConfig& config, Matrix& x) {
    if (!m_onDevice || x.rows() == 0) return false;
    if (x.cols() != model.dim())
        throw UsageError(fmt::format("points have {} dimensions but the model has {}", x.cols(),
                                     model.dim()));
    const std::vector<StepProgram> programs = tracePrograms(schedule, config);
    const SlotPlan plan = planSlots(programs);
    if (programs.empty() || plan.slots > kMaxSlots) return false;
    std::vector<NoiseLevel> levels; // every evaluation of the run, in order
    std::vector<Term> terms;        // every Combine's terms, in order
    std::vector<double> stepWork;   // per particle
    for (std::size_t i = 0; i < programs.size(); ++i) {
        stepWork.push_back(0);
        for (const ProgramOp& op : programs[i].ops) {
            if (op.kind == ProgramOp::Kind::Denoise) {
                if (!(op.level.sigma > 0)) return false;
                levels.push_back(op.level);
                continue;
            }
            for (const ProgramTerm& t : op.terms)
                terms.push_back({std::uint32_t(plan.slot[i][std::size_t(t.var)]), 0,
                                 float(t.coef), 0});
            for (const NoiseTerm& z : op.noise) terms.push_back({z.substream, 1, float(z.coef), 0});
            stepWork.back() += 10.0 * double(op.terms.size() + op.noise.size());
        }
    }
    m_ctx->throwIfLost(); // before any buffer is rewritten: a given-up submission may use it
    const std::unique_ptr<RunDenoiser> denoiser = runDenoiserFor(*this, model);
    if (!denoiser) return false;
    for (std::size_t i = 0; i < programs.size(); ++i)
        stepWork[i] += denoiser->workPerRow() * programs[i].denoiserCalls();
    denoiser->prepare(levels);
    terms.push_back({}); // never empty
    Buffer& termBuffer = scratch(m_terms, sizeof(Term) * terms.size());
    std::memcpy(termBuffer.data(), terms.data(), sizeof(Term) * terms.size());
    Pipeline& combine = pipeline(kSpirv_combine, 2, sizeof(CombinePush));

    // Particles in chunks: within the kernels' dispatch limits, the slots' memory, and one
    // step of the heaviest kind within a submission's budget.
    const double budget = submissionBudget(*m_ctx);
    const auto dim = std::uint32_t(x.cols());
    const double heaviest = *std::max_element(stepWork.begin(), stepWork.end());
    const Index chunk = std::clamp<Index>(
        std::min<Index>(Index(budget / heaviest), Index(kSlotBytes / (4.0 * plan.slots * dim))),
        kGroup, std::max<Index>(kGroup, denoiser->maxRows()));
    Matrix result(x.rows(), x.cols());
    for (Index first = 0; first < x.rows(); first += chunk) {
        const auto n = std::uint32_t(std::min(chunk, x.rows() - first));
        const std::uint32_t stride = n * dim;
        Buffer& slots = scratch(m_slots, sizeof(float) * std::size_t(plan.slots) * stride);
        std::memset(slots.data(), 0, sizeof(float) * std::size_t(plan.slots) * stride);
        upload(x.middleRows(first, n), slots); // x starts in slot 0
        denoiser->bind(slots, n);
        const VkDescriptorSet combineSet = combine.allocateSets({{&slots, &termBuffer}})[0];
        std::size_t eval = 0, term = 0, i = 0;
        while (i < programs.size()) {
            m_ctx->submit([&](VkCommandBuffer cmd) {
                double work = 0;
                do {
                    const StepProgram& p = programs[i];
                    for (std::size_t k = 0; k < p.ops.size(); ++k) {
                        if (work > 0 || k > 0) barrierBetweenDispatches(cmd);
                        const ProgramOp& op = p.ops[k];
                        const auto out = std::uint32_t(plan.slot[i][2 + k]);
                        if (op.kind == ProgramOp::Kind::Denoise) {
                            const auto in = std::uint32_t(plan.slot[i][std::size_t(op.input)]);
                            denoiser->record(cmd, eval++, in, out, n, stride);
                            continue;
                        }
                        const auto count = std::uint32_t(op.terms.size() + op.noise.size());
                        const CombinePush push{n,
                                               dim,
                                               stride,
                                               out,
                                               std::uint32_t(term),
                                               count,
                                               std::uint32_t(config.seed),
                                               std::uint32_t(config.seed >> 32),
                                               p.step,
                                               std::uint32_t(config.firstParticle + first)};
                        term += count;
                        combine.record(cmd, combineSet, &push, groupsFor(Index(stride)));
                    }
                    work += stepWork[i++] * n;
                } while (i < programs.size() && work + stepWork[i] * n <= budget);
                barrierToHost(cmd);
            });
        }
        Matrix part;
        const int last = plan.slot.back()[std::size_t(programs.back().xOut)];
        download(slots, part, n, dim, std::size_t(last) * stride);
        result.middleRows(first, n) = part;
    }
    if (!result.allFinite())
        throw DataError(fmt::format("sampler '{}' produced non-finite values on the device",
                                    config.sampler->name));
    x = std::move(result);
    return true;
}

} // namespace dfs::vk
