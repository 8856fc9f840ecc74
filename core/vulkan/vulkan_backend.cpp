// The Vulkan backend: device kernels for the ideal and exact denoisers, CPU for the rest.
#include "core/vulkan/vulkan_backend.hpp"

#include "core/backend/cpu_backend.hpp"
#include "core/denoisers/gmm_denoiser.hpp"
#include "core/denoisers/ideal_denoiser.hpp"
#include "core/denoisers/learned_denoiser.hpp"
#include "core/errors.hpp"
#include "core/vulkan/context.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>

namespace dfs::vk {

namespace {

constexpr int kMaxDim = 8;           ///< MAX_DIM in the shaders
constexpr int kMaxComponents = 64;   ///< MAX_K in shaders/gmm_denoise.comp
constexpr std::uint32_t kGroup = 64; ///< local_size_x of the shaders

struct IdealPush { // the layout of the shader's push_constant block
    std::uint32_t n, m, offset;
    float alpha, invTwoSigma2;
};
struct GmmPush {
    std::uint32_t k, m, stride, offset;
};
struct MlpPush { // shaders/mlp_layer.comp
    std::uint32_t nIn, nOut, batch, offset, act;
};
constexpr std::uint32_t kNoActivation = 3;

/// Multiply-adds one submission may hold: seconds on a CPU device (lavapipe runs about
/// 1 GFLOP/s on these kernels), well under a second on a GPU; past it work is split.
double submissionBudget(const Context& ctx) { return ctx.isCpuDevice() ? 1e9 : 1e12; }

int widestLayer(const MlpShape& shape) {
    int widest = 0;
    for (int k = 0; k <= shape.layers; ++k) widest = std::max(widest, shape.dims[k]);
    return widest;
}

/// The push constants of each layer of an MLP pass over n rows, in order.
std::vector<MlpPush> layerPushes(const MlpShape& shape, std::uint32_t n) {
    std::vector<MlpPush> pushes;
    long offset = 0;
    for (int l = 0; l < shape.layers; ++l) {
        const auto nIn = std::uint32_t(shape.dims[l]), nOut = std::uint32_t(shape.dims[l + 1]);
        pushes.push_back({nIn, nOut, n, std::uint32_t(offset),
                          l + 1 < shape.layers ? std::uint32_t(shape.activation) : kNoActivation});
        offset += long(nOut) * (nIn + 1);
    }
    return pushes;
}
/// Most samples per network pass; fewer when the widest layer would take a dispatch past the
/// 65,535 workgroups every device offers.
constexpr Index kMlpBatch = 8192;

std::uint32_t groupsFor(Index rows) {
    return std::uint32_t((rows + kGroup - 1) / kGroup);
}

/// Splits `rows` queries into dispatches of at most `maxRows` (a multiple of the workgroup,
/// within the 65,535-group limit every device has) and runs `dispatch(offset, groups)`.
template <typename F> void inChunks(Index rows, Index maxRows, F&& dispatch) {
    maxRows = std::clamp<Index>(maxRows / kGroup * kGroup, kGroup, Index(65535) * kGroup);
    for (Index first = 0; first < rows; first += maxRows)
        dispatch(std::uint32_t(first), groupsFor(std::min(maxRows, rows - first)));
}

/// Query rows per dispatch so that one dispatch does about 2^28 query-point pairs: well under
/// a second even on lavapipe, far from the dispatch timeout.
Index rowsForPairs(Index perRow) {
    return std::max<Index>(kGroup, (Index(1) << 28) / std::max<Index>(perRow, 1));
}
struct MlpInputPush { // shaders/mlp_input.comp
    std::uint32_t n, dim, inDim, features;
    float ratio, alpha, invScale, cin;
};
struct DdimPush { // shaders/ddim_step.comp
    std::uint32_t n, dim;
    float ratio, alphaT, sigmaT, invScale, scale, a, b, alphaS, sigmaS;
};
struct PhiloxPush {
    std::uint32_t seedLo, seedHi, step, substream, block, count;
};

bool forcedByEnvironment() {
    const char* v = std::getenv("DIFFUSCOPE_VULKAN_FORCE_DEVICE");
    return v && std::string(v) == "1";
}

class VulkanBackend final : public Backend {
public:
    VulkanBackend(const std::string& selector, int cpuThreads, const VulkanOptions& options)
        : m_ctx(std::make_unique<Context>(selector)), m_cpu(cpuThreads),
          m_onDevice(!m_ctx->isCpuDevice() || options.kernelsOnCpuDevice || forcedByEnvironment()) {
        m_ctx->setTimeout(std::uint64_t(std::clamp(options.timeoutSeconds, 1e-9, 3600.0) * 1e9));
    }
    /// Buffers and pipelines go before the context; first let the device finish with them.
    ~VulkanBackend() override { m_ctx->waitIdle(); }
    std::string name() const override { return "vulkan"; }
    std::string device() const override {
        if (!m_onDevice)
            return fmt::format("{} (Vulkan on a CPU device: the CPU backend computes, being faster "
                               "here; DIFFUSCOPE_VULKAN_FORCE_DEVICE=1 runs the kernels)",
                               m_ctx->deviceName());
        return fmt::format("{} (Vulkan; U-Nets and log p on the CPU)", m_ctx->deviceName());
    }
    void denoise(const Denoiser& model, const Matrix& x, const NoiseLevel& level,
                 Matrix& out) override;
    void logDensity(const Denoiser& model, const Matrix& x, const NoiseLevel& level,
                    Vector& out) override {
        m_cpu.logDensity(model, x, level, out);
    }
    bool runDdim(const Denoiser& model, const Schedule& schedule, const std::vector<double>& grid,
                 Matrix& x) override;
    const Context& context() const { return *m_ctx; }

private:
    void denoiseIdeal(const IdealDenoiser& model, const Matrix& x, const NoiseLevel& l,
                      Matrix& out);
    void denoiseGmm(const GmmDenoiser& model, const Matrix& x, const NoiseLevel& l, Matrix& out);
    void denoiseLearned(const LearnedDenoiser& model, const Matrix& x, const NoiseLevel& l,
                        Matrix& out);
    Buffer& scratch(std::unique_ptr<Buffer>& slot, std::size_t bytes);
    /// The MLP's parameters in m_params (small: copied on every call, never stale), and its
    /// layer pipeline ready.
    Buffer& mlpOnDevice(const Mlp& net);
    /// Rows per chunk of an MLP pass: the widest layer's dispatch within the 65,535-workgroup
    /// limit, and `steps` passes within a submission's budget.
    Index mlpRows(const Mlp& net, Index cap, int steps) const;
    void upload(const Eigen::Ref<const Matrix>& x, Buffer& b); ///< rows as floats
    void download(const Buffer& b, Matrix& out, Index rows, Index cols);

    std::unique_ptr<Context> m_ctx;
    CpuBackend m_cpu;
    Pipeline& pipeline(std::map<int, std::unique_ptr<Pipeline>>& cache, const SpirvModule& module,
                       std::uint32_t pushBytes, int dim);
    std::map<int, std::unique_ptr<Pipeline>> m_ideal, m_gmm; ///< one per dimension
    std::unique_ptr<Pipeline> m_mlp, m_mlpInput, m_ddim;
    bool m_onDevice; ///< false: a CPU device, where m_cpu computes everything
    std::unique_ptr<Buffer> m_train, m_query, m_out, m_components, m_params, m_actA, m_actB;
};

Pipeline& VulkanBackend::pipeline(std::map<int, std::unique_ptr<Pipeline>>& cache,
                                  const SpirvModule& module, std::uint32_t pushBytes, int dim) {
    auto& p = cache[dim];
    if (!p) p = std::make_unique<Pipeline>(*m_ctx, module, 3, pushBytes, std::uint32_t(dim));
    return *p;
}

Buffer& VulkanBackend::mlpOnDevice(const Mlp& net) {
    const std::size_t paramBytes = sizeof(float) * std::size_t(net.paramCount());
    Buffer& params = scratch(m_params, paramBytes);
    std::memcpy(params.data(), net.params().data(), paramBytes);
    if (!m_mlp) m_mlp = std::make_unique<Pipeline>(*m_ctx, kSpirv_mlp_layer, 3, sizeof(MlpPush));
    return params;
}

Index VulkanBackend::mlpRows(const Mlp& net, Index cap, int steps) const {
    const Index limit = std::clamp<Index>(Index(65535) * kGroup / widestLayer(net.shape()), 1, cap);
    const double perRow = double(steps) * double(net.paramCount());
    return std::clamp<Index>(Index(submissionBudget(*m_ctx) / perRow), kGroup, limit);
}

Buffer& VulkanBackend::scratch(std::unique_ptr<Buffer>& slot, std::size_t bytes) {
    if (!slot || slot->size() < bytes) {
        slot.reset();
        slot = std::make_unique<Buffer>(*m_ctx, bytes + bytes / 4);
    }
    return *slot;
}

void VulkanBackend::upload(const Eigen::Ref<const Matrix>& x, Buffer& b) {
    auto* f = static_cast<float*>(b.data());
    for (Index r = 0; r < x.rows(); ++r)
        for (Index c = 0; c < x.cols(); ++c) f[r * x.cols() + c] = float(x(r, c));
}

void VulkanBackend::download(const Buffer& b, Matrix& out, Index rows, Index cols) {
    const auto* f = static_cast<const float*>(b.data());
    out.resize(rows, cols);
    for (Index r = 0; r < rows; ++r)
        for (Index c = 0; c < cols; ++c) out(r, c) = f[r * cols + c];
}

void VulkanBackend::denoise(const Denoiser& model, const Matrix& x, const NoiseLevel& level,
                            Matrix& out) {
    if (x.cols() != model.dim())
        throw UsageError(fmt::format("points have {} dimensions but the denoiser '{}' has {}",
                                     x.cols(), model.name(), model.dim()));
    if (!m_onDevice) return m_cpu.denoise(model, x, level, out);
    m_ctx->throwIfLost(); // before any buffer is rewritten: a given-up submission may use it
    const bool small = model.dim() <= kMaxDim && x.rows() > 0 && level.sigma > 0;
    if (const auto* ideal = dynamic_cast<const IdealDenoiser*>(&model); ideal && small)
        return denoiseIdeal(*ideal, x, level, out);
    if (const auto* gmm = dynamic_cast<const GmmDenoiser*>(&model);
        gmm && small && gmm->params().size() <= kMaxComponents)
        return denoiseGmm(*gmm, x, level, out);
    if (const auto* learned = dynamic_cast<const LearnedDenoiser*>(&model);
        learned && learned->model().net.mlp() && x.rows() > 0 && level.sigma > 0)
        return denoiseLearned(*learned, x, level, out);
    m_cpu.denoise(model, x, level, out);
}

void VulkanBackend::denoiseLearned(const LearnedDenoiser& model, const Matrix& x,
                                   const NoiseLevel& l, Matrix& out) {
    // Inputs (normalisation, noise embedding, class one-hot) and the output preconditioning are
    // O(rows * dim) on the CPU; the dense layers, O(rows * width^2), run on the device.
    const Mlp& net = *model.model().net.mlp();
    const int widest = widestLayer(net.shape());
    Buffer& params = mlpOnDevice(net);
    const LearnedDenoiser::Plan plan = model.plan(l);
    out.resize(x.rows(), x.cols());
    std::vector<double> xs;
    const Index batch = mlpRows(net, kMlpBatch, 1);
    for (Index first = 0; first < x.rows(); first += batch) {
        const Index n = std::min(batch, x.rows() - first);
        Buffer* in = &scratch(m_actA, sizeof(float) * std::size_t(widest) * std::size_t(n));
        Buffer* next = &scratch(m_actB, sizeof(float) * std::size_t(widest) * std::size_t(n));
        xs.resize(std::size_t(n) * std::size_t(x.cols()));
        model.inputs(x, l, plan, first, n, static_cast<float*>(in->data()), xs.data());
        // every layer of the chunk in one command buffer, ping-ponging between two buffers
        const std::vector<MlpPush> pushes = layerPushes(net.shape(), std::uint32_t(n));
        std::vector<Dispatch> layers;
        for (const MlpPush& push : pushes) {
            layers.push_back({{&params, in, next}, &push, groupsFor(Index(push.nOut) * n)});
            std::swap(in, next);
        }
        m_mlp->runSequence(layers);
        model.outputs(plan, xs.data(), static_cast<const float*>(in->data()), first, n, out);
    }
}

bool VulkanBackend::runDdim(const Denoiser& model, const Schedule& schedule,
                            const std::vector<double>& grid, Matrix& x) {
    const auto* learned = dynamic_cast<const LearnedDenoiser*>(&model);
    if (!m_onDevice || !learned || !learned->model().net.mlp() || x.rows() == 0 ||
        grid.size() < 2)
        return false;
    if (x.cols() != model.dim())
        throw UsageError(fmt::format("points have {} dimensions but the model has {}", x.cols(),
                                     model.dim()));
    m_ctx->throwIfLost();
    const ModelSpec& spec = learned->model().spec;
    const Mlp& net = *learned->model().net.mlp();
    const MlpShape& shape = net.shape();
    const auto d = std::uint32_t(spec.dim), in = std::uint32_t(spec.inputDim());
    const int steps = int(grid.size()) - 1;
    const int widest = widestLayer(shape);

    // One table for the run: the data mean, then each step's shared network features.
    std::vector<float> table(spec.mean.begin(), spec.mean.end());
    std::vector<MlpInputPush> inputs(static_cast<std::size_t>(steps));
    std::vector<DdimPush> updates(static_cast<std::size_t>(steps));
    for (int k = 0; k < steps; ++k) {
        const NoiseLevel t = schedule.at(grid[std::size_t(k)]);
        const NoiseLevel s = schedule.at(grid[std::size_t(k) + 1]);
        const LearnedDenoiser::Affine f = learned->affine(t);
        inputs[std::size_t(k)] = {0,          d,        in,
                                  std::uint32_t(table.size()), float(f.ratio), float(t.alpha),
                                  float(1.0 / spec.scale),     float(f.cin)};
        table.insert(table.end(), f.features.begin(), f.features.end());
        updates[std::size_t(k)] = {0,        d,        float(f.ratio),   float(t.alpha),
                                   float(t.sigma), float(1.0 / spec.scale), float(spec.scale),
                                   float(f.a), float(f.b), float(s.alpha), float(s.sigma)};
    }
    Buffer& tb = scratch(m_components, sizeof(float) * table.size());
    std::memcpy(tb.data(), table.data(), sizeof(float) * table.size());
    Buffer& params = mlpOnDevice(net);
    if (!m_mlpInput)
        m_mlpInput =
            std::make_unique<Pipeline>(*m_ctx, kSpirv_mlp_input, 3, sizeof(MlpInputPush));
    if (!m_ddim) m_ddim = std::make_unique<Pipeline>(*m_ctx, kSpirv_ddim_step, 3, sizeof(DdimPush));

    // Rows in chunks (mlpRows). A chunk's run is one command buffer unless its work (rows x
    // steps x parameters) exceeds a submission's budget; then it is several, with x staying on
    // the device between them.
    const double perRowStep = double(net.paramCount());
    const Index batch = mlpRows(net, Index(1) << 16, 1);
    for (Index first = 0; first < x.rows(); first += batch) {
        const auto n = std::uint32_t(std::min(batch, x.rows() - first));
        const int stepsPerSubmit = int(std::clamp(
            submissionBudget(*m_ctx) / (perRowStep * double(n)), 1.0, double(steps)));
        Buffer& xb = scratch(m_query, sizeof(float) * std::size_t(n) * d);
        Buffer& a = scratch(m_actA, sizeof(float) * std::size_t(widest) * n);
        Buffer& b = scratch(m_actB, sizeof(float) * std::size_t(widest) * n);
        upload(x.middleRows(first, n), xb);
        const auto inSet = m_mlpInput->allocateSets({{&xb, &tb, &a}});
        const auto layerSets = m_mlp->allocateSets({{&params, &a, &b}, {&params, &b, &a}});
        const Buffer& netOut = shape.layers % 2 ? b : a;
        const auto stepSet = m_ddim->allocateSets({{&xb, &netOut, &tb}});
        const std::vector<MlpPush> layers = layerPushes(shape, n);
        for (int k0 = 0; k0 < steps; k0 += stepsPerSubmit) {
            const int k1 = std::min(steps, k0 + stepsPerSubmit);
            m_ctx->submit([&](VkCommandBuffer cmd) {
                for (int k = k0; k < k1; ++k) {
                    if (k > k0) barrierBetweenDispatches(cmd);
                    MlpInputPush ip = inputs[std::size_t(k)];
                    ip.n = n;
                    m_mlpInput->record(cmd, inSet[0], &ip, groupsFor(Index(n) * in));
                    for (std::size_t l = 0; l < layers.size(); ++l) {
                        barrierBetweenDispatches(cmd);
                        m_mlp->record(cmd, layerSets[l % 2], &layers[l],
                                      groupsFor(Index(layers[l].nOut) * n));
                    }
                    DdimPush up = updates[std::size_t(k)];
                    up.n = n;
                    barrierBetweenDispatches(cmd);
                    m_ddim->record(cmd, stepSet[0], &up, groupsFor(Index(n) * d));
                }
                barrierToHost(cmd);
            });
        }
        Matrix chunk;
        download(xb, chunk, n, d);
        x.middleRows(first, n) = chunk;
    }
    return true;
}

void VulkanBackend::denoiseIdeal(const IdealDenoiser& model, const Matrix& x, const NoiseLevel& l,
                                 Matrix& out) {
    const Matrix& train = model.train();
    const std::size_t cell = sizeof(float) * std::size_t(x.cols());
    // Uploaded on every call: O(n d) beside the kernel's O(n m d), and no cache to go stale.
    upload(train, scratch(m_train, cell * std::size_t(train.rows())));
    Buffer& q = scratch(m_query, cell * std::size_t(x.rows()));
    Buffer& o = scratch(m_out, cell * std::size_t(x.rows()));
    upload(x, q);
    Pipeline& p = pipeline(m_ideal, kSpirv_ideal_denoise, sizeof(IdealPush), int(x.cols()));
    inChunks(x.rows(), rowsForPairs(train.rows()), [&](std::uint32_t offset, std::uint32_t groups) {
        const IdealPush push{std::uint32_t(train.rows()), std::uint32_t(x.rows()), offset,
                             float(l.alpha), float(1.0 / (2.0 * l.sigma * l.sigma))};
        p.run({m_train.get(), &q, &o}, &push, groups);
    });
    download(o, out, x.rows(), x.cols());
}

void VulkanBackend::denoiseGmm(const GmmDenoiser& model, const Matrix& x, const NoiseLevel& l,
                               Matrix& out) {
    const std::vector<double> table = model.packedMarginals(l);
    Buffer& c = scratch(m_components, sizeof(float) * table.size());
    auto* f = static_cast<float*>(c.data());
    for (std::size_t i = 0; i < table.size(); ++i) f[i] = float(table[i]);
    const std::size_t cell = sizeof(float) * std::size_t(x.cols());
    Buffer& q = scratch(m_query, cell * std::size_t(x.rows()));
    Buffer& o = scratch(m_out, cell * std::size_t(x.rows()));
    upload(x, q);
    const auto d = std::uint32_t(x.cols());
    Pipeline& p = pipeline(m_gmm, kSpirv_gmm_denoise, sizeof(GmmPush), int(d));
    inChunks(x.rows(), rowsForPairs(model.params().size()),
             [&](std::uint32_t offset, std::uint32_t groups) {
                 const GmmPush push{std::uint32_t(model.params().size()), std::uint32_t(x.rows()),
                                    1 + 2 * d + 2 * d * d, offset};
                 p.run({&c, &q, &o}, &push, groups);
             });
    download(o, out, x.rows(), x.cols());
}

std::vector<BackendInfo> vulkanDevices() {
    try {
        std::vector<BackendInfo> out;
        for (const auto& d : listDevices())
            out.push_back({"vulkan",
                           fmt::format("device {}: {} ({}){}", d.index, d.name, d.type,
                                       d.usable ? "" : ", no compute queue"),
                           d.usable});
        if (out.empty()) out.push_back({"vulkan", "no Vulkan device found", false});
        return out;
    } catch (const DeviceError& e) {
        return {{"vulkan", e.what(), false}};
    }
}

} // namespace

std::unique_ptr<Backend> makeVulkanBackend(const std::string& selector, int cpuThreads,
                                           const VulkanOptions& options) {
    return std::make_unique<VulkanBackend>(selector, cpuThreads, options);
}

void registerVulkanBackend() {
    registerBackendProvider(
        {"vulkan", vulkanDevices, [](int threads) { return makeVulkanBackend("", threads); }});
}

int validationErrors(const Backend& backend) {
    const auto* v = dynamic_cast<const VulkanBackend*>(&backend);
    return v ? v->context().validationErrors() : 0;
}

bool validationActive(const Backend& backend) {
    const auto* v = dynamic_cast<const VulkanBackend*>(&backend);
    return v && v->context().validation();
}

std::string firstValidationError(const Backend& backend) {
    const auto* v = dynamic_cast<const VulkanBackend*>(&backend);
    return v ? v->context().firstValidationError() : std::string();
}

double deviceSeconds(const Backend& backend) {
    const auto* v = dynamic_cast<const VulkanBackend*>(&backend);
    return v && v->context().hasTimestamps() ? v->context().deviceSeconds() : -1.0;
}

DevicePhilox philoxOnDevice(std::uint64_t seed, std::uint32_t step, std::uint32_t substream,
                            std::uint32_t block, std::uint32_t count) {
    Context ctx;
    Pipeline p(ctx, kSpirv_philox_check, 2, sizeof(PhiloxPush));
    Buffer bits(ctx, 16 * std::size_t(count)), normals(ctx, 16 * std::size_t(count));
    const PhiloxPush push{
        std::uint32_t(seed), std::uint32_t(seed >> 32), step, substream, block, count};
    p.run({&bits, &normals}, &push, (count + kGroup - 1) / kGroup);
    DevicePhilox out;
    out.bits.resize(count);
    out.normals.resize(count);
    std::memcpy(out.bits.data(), bits.data(), 16 * std::size_t(count));
    std::memcpy(out.normals.data(), normals.data(), 16 * std::size_t(count));
    out.validationErrors = ctx.validationErrors();
    return out;
}

} // namespace dfs::vk
