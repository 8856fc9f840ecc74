// The models' kernels as recorders of D(slot in) into slot out, over a bank of equally sized
// slots on the device: one evaluation for Backend::denoise (vulkan_backend.cpp), every Denoise
// op of a traced run for Backend::runSampler (device_sampler.cpp). Internal to core/vulkan.
#pragma once

#include "core/vulkan/backend_impl.hpp"

#include <memory>
#include <vector>

namespace dfs::vk {

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

/// The device path for the model, or none (a U-Net; dimensions past the kernels' limits).
std::unique_ptr<RunDenoiser> runDenoiserFor(VulkanBackend& b, const Denoiser& model);

} // namespace dfs::vk
