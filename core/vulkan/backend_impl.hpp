// The Vulkan backend's class, shared by its two source files: vulkan_backend.cpp (the denoiser
// kernels, one batch of queries at a time) and device_sampler.cpp (whole sampler runs with the
// particles kept on the device). Internal to core/vulkan.
#pragma once

#include "core/backend/cpu_backend.hpp"
#include "core/vulkan/barriers.hpp"
#include "core/vulkan/pipeline.hpp"
#include "core/vulkan/shader_structs.hpp"
#include "core/vulkan/vulkan_backend.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <utility>

namespace dfs {
class Mlp;
struct MlpShape;
} // namespace dfs

namespace dfs::vk {

constexpr int kMaxDim = 8;           ///< MAX_DIM in the shaders
constexpr int kMaxComponents = 64;   ///< MAX_K in shaders/gmm_denoise.comp
constexpr std::uint32_t kGroup = 64; ///< local_size_x of the shaders

/// Workgroups for `items` invocations.
inline std::uint32_t groupsFor(Index items) {
    return std::uint32_t((items + kGroup - 1) / kGroup);
}
/// The embedding's frequencies for `embedDim` features as (hi, lo) float pairs (splitHead12 in
/// core/backend/train_device.hpp), for shaders/embedding.glsl.
std::vector<float> embeddingFrequencyPairs(int embedDim);
/// Multiply-adds one submission may hold: seconds on a CPU device (lavapipe runs about
/// 1 GFLOP/s on these kernels), well under a second on a GPU; past it work is split.
double submissionBudget(const Context& ctx);
int widestLayer(const MlpShape& shape);
/// The push constants of each layer of an MLP pass over n rows, in order.
std::vector<MlpPush> layerPushes(const MlpShape& shape, std::uint32_t n);
/// Query rows per ideal or GMM dispatch: about 2^28 query-component pairs on a CPU device
/// (well under a second on lavapipe), 2^34 on a GPU (tens of milliseconds, and enough
/// workgroups to fill it: 2^28 pairs of a 60,000-point set are only 70 workgroups); far from
/// the dispatch timeout either way.
Index rowsForPairs(const Context& ctx, Index perRow);
/// Splits `rows` queries into dispatches of at most `maxRows` (a multiple of the workgroup,
/// within the 65,535-group limit every device has) and calls `dispatch(offset, groups)`.
template <typename F> void inChunks(Index rows, Index maxRows, F&& dispatch) {
    maxRows = std::clamp<Index>(maxRows / kGroup * kGroup, kGroup, Index(65535) * kGroup);
    for (Index first = 0; first < rows; first += maxRows)
        dispatch(std::uint32_t(first), groupsFor(std::min(maxRows, rows - first)));
}

class VulkanBackend final : public Backend {
    // First, so that it is destroyed last: every buffer and pipeline below needs it.
    std::unique_ptr<Context> m_ctx;

public:
    VulkanBackend(const std::string& selector, int cpuThreads, const VulkanOptions& options);
    /// Buffers and pipelines go before the context; first let the device finish with them.
    ~VulkanBackend() override { m_ctx->waitIdle(); }
    std::string name() const override { return "vulkan"; }
    std::string device() const override;
    void denoise(const Denoiser& model, const Matrix& x, const NoiseLevel& level,
                 Matrix& out) override;
    void logDensity(const Denoiser& model, const Matrix& x, const NoiseLevel& level,
                    Vector& out) override {
        m_cpu.logDensity(model, x, level, out);
    }
    void splat(const Matrix& x, const SplatGrid& grid, float weight,
               std::vector<float>& cells) override;
    long runSampler(const Denoiser& model, const Schedule& schedule, const SamplerRunConfig& config,
                    Matrix& x, const RunFrames* frames = nullptr) override;
    std::unique_ptr<TrainDevice> mlpTrainDevice(const Mlp& net, int batch) override;

    // For the kernels' recorders (device_sampler.cpp).
    Context& context() const { return *m_ctx; }
    const VulkanOptions& options() const { return m_options; }
    /// The cooperative-matrix kernel is asked for and the device can run it.
    bool cooperativeMatrix() const {
        return m_options.cooperativeMatrix && m_ctx->cooperativeMatrix() != 0 &&
               m_coopmatError.empty();
    }
    /// A device buffer of at least `bytes` in `slot`, kept for later calls. A slot must not
    /// grow between put() of data for it and the submission that copies the data in.
    Buffer& scratch(std::unique_ptr<Buffer>& slot, std::size_t bytes);
    /// The pipeline of `module` (one per dimension for kernels specialised on it, else 0),
    /// made on first use.
    Pipeline& pipeline(const SpirvModule& module, int bindings, std::uint32_t pushBytes,
                       int dim = 0);
    /// The MLP's parameters in m_params (small: put on every call, never stale).
    Buffer& mlpParams(const Mlp& net);
    /// Rows per chunk of an MLP pass: the widest layer's dispatch within the 65,535-workgroup
    /// limit, and `passes` network passes within a submission's budget.
    Index mlpRows(const Mlp& net, Index cap, int passes) const;
    /// Bytes one buffer may have: it is bound whole, so within the device's storage-buffer
    /// range, with the quarter of slack scratch() adds.
    double bufferBytes() const { return 0.75 * double(m_ctx->limits().maxStorageBufferRange); }
    /// Rows per chunk of work: `workPerRow` multiply-adds within a submission's budget, a chunk's
    /// buffers (`bytesPerRow`) within 256 MB and bufferBytes(), and at most `maxRows`.
    Index chunkRows(double workPerRow, double bytesPerRow, Index maxRows) const;

    // Transfers: device buffers are reached only by copies through host staging buffers.
    /// Host data for a device buffer at dstOffset bytes, copied in by the next recordUploads().
    void put(const Buffer& dst, std::size_t dstOffset, const void* src, std::size_t bytes);
    /// x's rows as floats into dst from float firstFloat on (a put).
    void upload(const Eigen::Ref<const Matrix>& x, const Buffer& dst, std::size_t firstFloat = 0);
    /// Records the copies of every put() since the last call and the barrier that lets the
    /// dispatches after them read the data: the first thing a submission records.
    void recordUploads(VkCommandBuffer cmd);
    /// Records, after a submission's dispatches, the copy of `bytes` of src at srcOffset to
    /// the host (one call per submission) and the barriers around it; downloaded() has them
    /// once the submission is done.
    void recordDownload(VkCommandBuffer cmd, const Buffer& src, std::size_t srcOffset,
                        std::size_t bytes) {
        recordDownloads(cmd, {{&src, srcOffset, bytes}});
    }
    struct Region {
        const Buffer* src;
        std::size_t offset, bytes;
    };
    /// The same for several regions, one after the other in downloaded().
    void recordDownloads(VkCommandBuffer cmd, const std::vector<Region>& regions);
    const void* downloaded() const { return m_down->data(); }
    /// rows x cols floats from downloaded().
    void downloadedRows(Matrix& out, Index rows, Index cols) const;

    std::string m_lastKernel;   ///< see lastKernel() in vulkan_backend.hpp
    std::string m_coopmatError; ///< why the device refused the cooperative-matrix kernel
    std::unique_ptr<Buffer> m_train, m_query, m_components, m_params, m_actA, m_actB, m_slots,
        m_terms, m_counts, m_ops, m_params16;

    /// Drops the copies of a put() whose submission never came (an error in between): every
    /// operation calls it before its first put().
    void discardUploads() { m_copies.clear(), m_pending.clear(); }

private:
    struct PendingCopy {
        const Buffer* dst;
        std::size_t dstOffset, srcOffset, bytes;
    };
    std::vector<PendingCopy> m_copies;
    std::vector<unsigned char> m_pending; ///< the put() data, in order
    std::unique_ptr<Buffer> m_up, m_down; ///< host staging
    CpuBackend m_cpu;
    std::map<std::pair<const SpirvModule*, int>, std::unique_ptr<Pipeline>> m_pipelines;
    bool m_onDevice;         ///< false: a CPU device, where m_cpu computes everything
    VulkanOptions m_options; ///< with the environment's settings applied
};

} // namespace dfs::vk
