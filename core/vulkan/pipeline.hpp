// Compute pipelines from embedded SPIR-V, with their descriptor pools: blocking runs of one
// dispatch or a sequence, or recordings into a submission that mixes pipelines.
#pragma once

#include "core/vulkan/buffer.hpp"
#include "core/vulkan/spirv.hpp"

#include <cstdint>
#include <vector>

namespace dfs::vk {

/// One dispatch of a sequence: the buffers it binds, its push constants and workgroups.
struct Dispatch {
    std::vector<const Buffer*> buffers;
    const void* push = nullptr; ///< the pipeline's pushBytes, read while recording
    std::uint32_t groups = 0;
};

/// A compute pipeline whose shader reads `bindings` storage buffers (set 0, bindings 0..n-1)
/// and `pushBytes` of push constants; `constant0` sets specialization constant 0 (the shaders'
/// DIM) when non-zero.
class Pipeline {
public:
    Pipeline(Context& ctx, const SpirvModule& module, int bindings, std::uint32_t pushBytes,
             std::uint32_t constant0 = 0);
    ~Pipeline();
    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;
    /// Binds the buffers, pushes the constants and dispatches `groups` workgroups (x only);
    /// blocks until done.
    void run(const std::vector<const Buffer*>& buffers, const void* push, std::uint32_t groups);
    /// Records every dispatch in one command buffer, each reading what the one before wrote (a
    /// compute-to-compute barrier between them), submits once and blocks until all are done:
    /// one round trip to the device for a chain such as the layers of a network.
    void runSequence(const std::vector<Dispatch>& dispatches);

    /// For recordings that mix pipelines (Context::submit): one descriptor set per buffer list,
    /// valid until this pipeline allocates again.
    std::vector<VkDescriptorSet>
    allocateSets(const std::vector<std::vector<const Buffer*>>& bufferLists);
    /// Records one dispatch with a set from allocateSets().
    void record(VkCommandBuffer cmd, VkDescriptorSet set, const void* push,
                std::uint32_t groups) const;

private:
    void release();
    Context& m_ctx;
    int m_bindings;
    std::uint32_t m_pushBytes;
    VkShaderModule m_shader = VK_NULL_HANDLE;
    VkDescriptorSetLayout m_setLayout = VK_NULL_HANDLE;
    VkPipelineLayout m_layout = VK_NULL_HANDLE;
    VkPipeline m_pipeline = VK_NULL_HANDLE;
    VkDescriptorPool m_descriptors = VK_NULL_HANDLE;
    std::uint32_t m_poolSets = 0; ///< descriptor sets the pool holds
};

} // namespace dfs::vk
