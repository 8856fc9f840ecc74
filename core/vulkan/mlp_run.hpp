// Whole runs of the learned MLP in one dispatch per chunk of particles (shaders/mlp_run.comp, and
// with VK_KHR_cooperative_matrix shaders/mlp_run_coopmat.comp): the particles stay on chip from
// the first step to the last. Internal to core/vulkan; the general path (device_sampler.cpp,
// run_denoisers.cpp) covers what this does not.
#pragma once

#include "core/vulkan/backend_impl.hpp"

#include <cstdint>
#include <vector>

namespace dfs {
class LearnedDenoiser;
struct StepProgram;
struct SlotPlan;
} // namespace dfs

namespace dfs::vk {

/// Runs `programs` (traced from a linear sampler, every Denoise at sigma > 0) on the MLP of
/// `model` from x, in the slots of `plan`, with Philox noise of `seed` for rows firstParticle +
/// r; x becomes the particles after the last step. Returns false, touching nothing, when the
/// kernel does not cover the network (a hidden layer over 128 wide, over 8 layers), the run
/// (slots x dim over 32) or the device (under 40 KiB of shared memory).
bool runMlpWhole(VulkanBackend& b, const LearnedDenoiser& model,
                 const std::vector<StepProgram>& programs, const SlotPlan& plan, std::uint64_t seed,
                 std::uint32_t firstParticle, Matrix& x);

} // namespace dfs::vk
