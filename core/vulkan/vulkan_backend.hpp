// The Vulkan compute backend: the core's Backend interface on a Vulkan device (a GPU, or Mesa's
// lavapipe on the CPU). This version runs on the device the ideal and exact (GMM) denoisers, for
// up to 8 dimensions, and the learned MLP (fused for networks up to 128 wide); whole sampler
// runs of those models (backend_impl.hpp, device_sampler.cpp); the density histogram; and MLP
// training (train_device.cpp). U-Nets and log-densities are evaluated by the CPU backend, and
// device() says so. On a CPU device such
// as lavapipe the CPU backend computes everything (its kernels are 2x to 100x faster there, and
// choosing Vulkan must never be a trap) unless VulkanOptions or DIFFUSCOPE_VULKAN_FORCE_DEVICE=1
// send the kernels to the device, as the parity tests do. Include this header only where the
// program registers backends.
#pragma once

#include "core/backend/backend.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dfs::vk {

/// Makes "vulkan" available to makeBackend and listBackends (call once at start-up).
void registerVulkanBackend();

struct VulkanOptions {
    /// Run the kernels on the device even when it is a CPU implementation (lavapipe), where the
    /// CPU backend is faster: for parity tests. DIFFUSCOPE_VULKAN_FORCE_DEVICE=1 does the same.
    bool kernelsOnCpuDevice = false;
    /// A submission that takes longer is given up with a DeviceError (no hang); the backend
    /// then refuses further work, and the app hands over to the CPU.
    double timeoutSeconds = 20;
    /// Whole sampler runs of a learned MLP in one kernel with the particles on chip
    /// (shaders/mlp_run.comp) where it covers the network; off: the general path, one dispatch
    /// per op. DIFFUSCOPE_VULKAN_WHOLE_RUN=0 turns it off too.
    bool wholeRunKernel = true;
    /// The MLP's hidden layers in fp16 with fp32 accumulation on VK_KHR_cooperative_matrix
    /// (shaders/mlp_run_coopmat.comp), where the device has it: faster, less exact. Off by
    /// default; DIFFUSCOPE_VULKAN_COOPMAT=1 turns it on too.
    bool cooperativeMatrix = false;
    /// Most optimiser steps of MLP training in one submission (0: as many as a submission's
    /// work budget and memory allow, up to 64). Tests set a few to cross submissions.
    int trainStepsPerSubmission = 0;
};

/// A Vulkan backend on the device named by `selector` (index or name part; empty: the best).
/// Throws DeviceError when Vulkan or the device is unavailable, naming why.
std::unique_ptr<Backend> makeVulkanBackend(const std::string& selector = "", int cpuThreads = 0,
                                           const VulkanOptions& options = {});

/// Philox bits and normals computed by shaders/philox.glsl for counters {i, step, substream,
/// block}, i < count: for the tests that hold the GPU generator to the C++ one.
struct DevicePhilox {
    std::vector<std::array<std::uint32_t, 4>> bits;
    std::vector<std::array<float, 4>> normals;
    int validationErrors = 0;
};
DevicePhilox philoxOnDevice(std::uint64_t seed, std::uint32_t step, std::uint32_t substream,
                            std::uint32_t block, std::uint32_t count);

/// The noise-level features computed by shaders/embedding.glsl (as the device forms training
/// batches) for each c_noise, `dim` floats a value laid out as timeEmbeddings writes them: for
/// the test that holds them to the CPU's.
struct DeviceEmbedding {
    std::vector<float> features;
    int validationErrors = 0;
};
DeviceEmbedding embeddingOnDevice(const std::vector<double>& cNoise, int dim);

} // namespace dfs::vk

namespace dfs::vk {
/// Validation-layer errors a Vulkan backend's device has reported (0 for other backends);
/// with DIFFUSCOPE_VULKAN_VALIDATION=1 the tests require it to stay 0.
int validationErrors(const Backend& backend);
/// Whether the validation layer is active on a Vulkan backend's device.
bool validationActive(const Backend& backend);
std::string firstValidationError(const Backend& backend);
/// Whether MLP runs on this backend take the cooperative-matrix kernel: the option is on and
/// the device has VK_KHR_cooperative_matrix (or VK_NV_cooperative_matrix) with an fp16 16x8x16
/// shape (M 16, N 8, K 16) accumulating in fp32, float16 arithmetic, 16-bit storage and the Vulkan
/// memory model.
bool cooperativeMatrixUsable(const Backend& backend);
/// The kernel of a Vulkan backend's last whole run or MLP evaluation: "mlp_run",
/// "mlp_run_coopmat", "general" (one dispatch per op) or "" (none yet; other backends).
std::string lastKernel(const Backend& backend);
/// Device time of a Vulkan backend's submissions so far from the queue's timestamps, in seconds;
/// -1 for other backends or a queue without timestamps.
double deviceSeconds(const Backend& backend);
} // namespace dfs::vk
