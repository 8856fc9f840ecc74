// The Vulkan backend: device kernels for the ideal, exact and MLP denoisers, CPU for the rest.
#include "core/vulkan/backend_impl.hpp"
#include "core/vulkan/mlp_run.hpp"
#include "core/vulkan/run_denoisers.hpp"

#include "core/backend/train_device.hpp"
#include "core/denoisers/denoiser.hpp"
#include "core/denoisers/learned_denoiser.hpp"
#include "core/errors.hpp"
#include "core/model/model.hpp"
#include "core/nn/mlp.hpp"
#include "core/samplers/step_program.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace dfs::vk {

double submissionBudget(const Context& ctx) {
    return ctx.isCpuDevice() ? 1e9 : 1e12;
}

int widestLayer(const MlpShape& shape) {
    int widest = 0;
    for (int k = 0; k <= shape.layers; ++k) widest = std::max(widest, shape.dims[k]);
    return widest;
}

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

Index rowsForPairs(const Context& ctx, Index perRow) {
    const Index pairs = Index(1) << (ctx.isCpuDevice() ? 28 : 34);
    return std::max<Index>(kGroup, pairs / std::max<Index>(perRow, 1));
}

namespace {

bool forcedByEnvironment() {
    const char* v = std::getenv("DIFFUSCOPE_VULKAN_FORCE_DEVICE");
    return v && std::string(v) == "1";
}

/// The options with the environment's overrides (DIFFUSCOPE_VULKAN_WHOLE_RUN=0,
/// DIFFUSCOPE_VULKAN_COOPMAT=1, or =nv to prefer VK_NV_cooperative_matrix where both are).
VulkanOptions withEnvironment(VulkanOptions o) {
    if (const char* v = std::getenv("DIFFUSCOPE_VULKAN_WHOLE_RUN"); v && std::string(v) == "0")
        o.wholeRunKernel = false;
    if (const char* v = std::getenv("DIFFUSCOPE_VULKAN_COOPMAT");
        v && (std::string(v) == "1" || std::string(v) == "nv"))
        o.cooperativeMatrix = true;
    return o;
}

} // namespace

VulkanBackend::VulkanBackend(const std::string& selector, int cpuThreads,
                             const VulkanOptions& options)
    : m_ctx(std::make_unique<Context>(selector, withEnvironment(options).cooperativeMatrix)),
      m_cpu(cpuThreads),
      m_onDevice(!m_ctx->isCpuDevice() || options.kernelsOnCpuDevice || forcedByEnvironment()),
      m_options(withEnvironment(options)) {
    m_ctx->setTimeout(std::uint64_t(std::clamp(options.timeoutSeconds, 1e-9, 3600.0) * 1e9));
}

std::string VulkanBackend::device() const {
    if (!m_onDevice)
        return fmt::format("{} (Vulkan on a CPU device: the CPU backend computes, being faster "
                           "here; DIFFUSCOPE_VULKAN_FORCE_DEVICE=1 runs the kernels)",
                           m_ctx->deviceName());
    return fmt::format("{} (Vulkan; U-Nets and log p on the CPU)", m_ctx->deviceName());
}

Pipeline& VulkanBackend::pipeline(const SpirvModule& module, int bindings, std::uint32_t pushBytes,
                                  int dim) {
    auto& p = m_pipelines[{&module, dim}];
    if (!p) p = std::make_unique<Pipeline>(*m_ctx, module, bindings, pushBytes, std::uint32_t(dim));
    return *p;
}

Buffer& VulkanBackend::mlpParams(const Mlp& net) {
    const std::size_t paramBytes = sizeof(float) * std::size_t(net.paramCount());
    Buffer& params = scratch(m_params, paramBytes);
    put(params, 0, net.params().data(), paramBytes);
    return params;
}

Index VulkanBackend::mlpRows(const Mlp& net, Index cap, int passes) const {
    const Index limit = std::clamp<Index>(Index(65535) * kGroup / widestLayer(net.shape()), 1, cap);
    const double perRow = double(passes) * double(net.paramCount());
    return std::clamp<Index>(Index(submissionBudget(*m_ctx) / perRow), kGroup, limit);
}

Index VulkanBackend::chunkRows(double workPerRow, double bytesPerRow, Index maxRows) const {
    const double bytes = std::min(256.0 * 1024 * 1024, bufferBytes());
    return std::clamp<Index>(
        Index(std::min(submissionBudget(*m_ctx) / workPerRow, bytes / bytesPerRow)), kGroup,
        std::max<Index>(kGroup, maxRows));
}

Buffer& VulkanBackend::scratch(std::unique_ptr<Buffer>& slot, std::size_t bytes) {
    if (!slot || slot->size() < bytes) {
        slot.reset();
        slot = std::make_unique<Buffer>(*m_ctx, bytes + bytes / 4, Memory::Device);
    }
    return *slot;
}

void VulkanBackend::put(const Buffer& dst, std::size_t dstOffset, const void* src,
                        std::size_t bytes) {
    const std::size_t at = m_pending.size();
    m_pending.resize(at + bytes);
    std::memcpy(m_pending.data() + at, src, bytes);
    m_copies.push_back({&dst, dstOffset, at, bytes});
}

void VulkanBackend::upload(const Eigen::Ref<const Matrix>& x, const Buffer& dst,
                           std::size_t firstFloat) {
    std::vector<float> f(std::size_t(x.size()));
    for (Index r = 0; r < x.rows(); ++r)
        for (Index c = 0; c < x.cols(); ++c) f[std::size_t(r * x.cols() + c)] = float(x(r, c));
    put(dst, sizeof(float) * firstFloat, f.data(), sizeof(float) * f.size());
}

void VulkanBackend::recordUploads(VkCommandBuffer cmd) {
    if (m_copies.empty()) return;
    if (!m_up || m_up->size() < m_pending.size())
        m_up =
            std::make_unique<Buffer>(*m_ctx, m_pending.size() + m_pending.size() / 4, Memory::Host);
    std::memcpy(m_up->data(), m_pending.data(), m_pending.size());
    barrierBeforeCopies(cmd); // earlier submissions' dispatches may still use the targets
    for (const PendingCopy& c : m_copies)
        copyBuffer(cmd, *m_up, c.srcOffset, *c.dst, c.dstOffset, c.bytes);
    barrierAfterCopies(cmd);
    discardUploads();
}

void VulkanBackend::recordDownloads(VkCommandBuffer cmd, const std::vector<Region>& regions) {
    std::size_t total = 0;
    for (const Region& r : regions) total += r.bytes;
    if (!m_down || m_down->size() < total)
        m_down = std::make_unique<Buffer>(*m_ctx, total + total / 4, Memory::Host);
    barrierBeforeCopies(cmd);
    std::size_t at = 0;
    for (const Region& r : regions) {
        copyBuffer(cmd, *r.src, r.offset, *m_down, at, r.bytes);
        at += r.bytes;
    }
    barrierToHost(cmd);
}

void VulkanBackend::downloadedRows(Matrix& out, Index rows, Index cols) const {
    const auto* f = static_cast<const float*>(m_down->data());
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
    discardUploads();
    if (const auto* learned = dynamic_cast<const LearnedDenoiser*>(&model);
        learned && m_options.wholeRunKernel && x.rows() > 0 && level.sigma > 0) {
        // One evaluation as a one-op program: x in slot 0, D into slot 2.
        StepProgram p;
        p.ops.push_back({ProgramOp::Kind::Denoise, 0, level, {}, {}});
        p.xOut = 2;
        const std::vector<StepProgram> programs{p};
        Matrix d = x;
        if (runMlpWhole(*this, *learned, programs, planSlots(programs), 0, 0, d)) {
            out = std::move(d);
            return;
        }
    }
    const std::unique_ptr<RunDenoiser> d =
        x.rows() > 0 && level.sigma > 0 ? runDenoiserFor(*this, model) : nullptr;
    if (!d) return m_cpu.denoise(model, x, level, out);
    m_lastKernel = "general";
    // x in slot 0, D into slot 1, in chunks within a submission's budget.
    d->prepare({level});
    // Chunks within a submission's budget, the kernel's limits and memory (two slots of x).
    const auto dim = std::uint32_t(x.cols());
    const Index chunk = chunkRows(d->workPerRow(), 8.0 * dim, d->maxRows());
    out.resize(x.rows(), x.cols());
    for (Index first = 0; first < x.rows(); first += chunk) {
        const auto n = std::uint32_t(std::min(chunk, x.rows() - first));
        const std::uint32_t stride = n * dim;
        Buffer& slots = scratch(m_slots, 2 * sizeof(float) * stride);
        upload(x.middleRows(first, n), slots);
        d->bind(slots, n);
        m_ctx->submit([&](VkCommandBuffer cmd) {
            recordUploads(cmd);
            d->record(cmd, 0, 0, 1, n, stride);
            recordDownload(cmd, slots, sizeof(float) * stride, sizeof(float) * stride);
        });
        Matrix part;
        downloadedRows(part, n, dim);
        out.middleRows(first, n) = part;
    }
}

void VulkanBackend::splat(const Matrix& x, const SplatGrid& g, float weight,
                          std::vector<float>& cells) {
    if (!m_onDevice || x.rows() == 0 || 4.0 * double(x.size()) > bufferBytes() ||
        4.0 * double(cells.size()) > bufferBytes())
        return Backend::splat(x, g, weight, cells);
    checkSplat(x, g, cells);
    m_ctx->throwIfLost();
    discardUploads();
    Buffer& points = scratch(m_query, sizeof(float) * std::size_t(x.size()));
    const std::size_t countBytes = sizeof(std::uint32_t) * cells.size();
    Buffer& counts = scratch(m_counts, countBytes);
    upload(x, points);
    const std::vector<std::uint32_t> zeros(cells.size(), 0);
    put(counts, 0, zeros.data(), countBytes);
    Pipeline& p = pipeline(kSpirv_splat, 2, sizeof(SplatPush));
    const VkDescriptorSet set = p.allocateSets({{&points, &counts}})[0];
    m_ctx->submit([&](VkCommandBuffer cmd) {
        recordUploads(cmd);
        inChunks(x.rows(), Index(65535) * kGroup, [&](std::uint32_t offset, std::uint32_t groups) {
            const SplatPush push{std::uint32_t(x.rows()),
                                 std::uint32_t(x.cols()),
                                 std::uint32_t(g.nx),
                                 std::uint32_t(g.ny),
                                 offset,
                                 float(g.x0),
                                 float(g.y0),
                                 float(g.nx / (g.x1 - g.x0)),
                                 float(g.ny / (g.y1 - g.y0))};
            p.record(cmd, set, &push, groups); // atomics: the dispatches need no order
        });
        recordDownload(cmd, counts, 0, countBytes);
    });
    const auto* c = static_cast<const std::uint32_t*>(downloaded());
    for (std::size_t i = 0; i < cells.size(); ++i) cells[i] += weight * float(c[i]);
}

namespace {

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

bool cooperativeMatrixUsable(const Backend& backend) {
    const auto* v = dynamic_cast<const VulkanBackend*>(&backend);
    return v && v->cooperativeMatrix();
}

std::string lastKernel(const Backend& backend) {
    const auto* v = dynamic_cast<const VulkanBackend*>(&backend);
    return v ? v->m_lastKernel : std::string();
}

double deviceSeconds(const Backend& backend) {
    const auto* v = dynamic_cast<const VulkanBackend*>(&backend);
    return v && v->context().hasTimestamps() ? v->context().deviceSeconds() : -1.0;
}

DevicePhilox philoxOnDevice(std::uint64_t seed, std::uint32_t step, std::uint32_t substream,
                            std::uint32_t block, std::uint32_t count) {
    Context ctx;
    Pipeline p(ctx, kSpirv_philox_check, 2, sizeof(PhiloxPush));
    Buffer bits(ctx, 16 * std::size_t(count), Memory::Host),
        normals(ctx, 16 * std::size_t(count), Memory::Host);
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

std::vector<float> embeddingFrequencyPairs(int embedDim) {
    const std::vector<double> f = embeddingFrequencies(embedDim);
    std::vector<float> pairs(2 * std::max<std::size_t>(f.size(), 1), 0.0f);
    for (std::size_t k = 0; k < f.size(); ++k) splitHead12(f[k], pairs[2 * k], pairs[2 * k + 1]);
    return pairs;
}

DeviceEmbedding embeddingOnDevice(const std::vector<double>& cNoise, int dim) {
    const auto n = std::uint32_t(cNoise.size()), half = std::uint32_t(dim / 2);
    DeviceEmbedding out;
    if (n == 0 || half == 0) return out;
    std::vector<float> angles(2 * std::size_t(n));
    for (std::size_t r = 0; r < n; ++r) // kEmbeddingScale c_noise as a float pair
        splitHead12(kEmbeddingScale * cNoise[r], angles[2 * r], angles[2 * r + 1]);
    const std::vector<float> freqs = embeddingFrequencyPairs(dim);
    Context ctx;
    Pipeline p(ctx, kSpirv_embedding_check, 3, sizeof(EmbeddingPush));
    Buffer a(ctx, 4 * angles.size(), Memory::Host), f(ctx, 4 * freqs.size(), Memory::Host),
        features(ctx, 4 * std::size_t(n) * 2 * half, Memory::Host);
    std::memcpy(a.data(), angles.data(), 4 * angles.size());
    std::memcpy(f.data(), freqs.data(), 4 * freqs.size());
    const EmbeddingPush push{n, half};
    p.run({&a, &f, &features}, &push, groupsFor(Index(n) * half));
    out.features.resize(std::size_t(n) * 2 * half);
    std::memcpy(out.features.data(), features.data(), 4 * out.features.size());
    out.validationErrors = ctx.validationErrors();
    return out;
}

} // namespace dfs::vk
