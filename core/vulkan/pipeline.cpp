// Compute pipelines from embedded SPIR-V, with their descriptor pools.
#include "core/vulkan/pipeline.hpp"

#include "core/errors.hpp"
#include "core/vulkan/barriers.hpp"

#include <cstring>

namespace dfs::vk {

Pipeline::Pipeline(Context& ctx, const SpirvModule& module, int bindings, std::uint32_t pushBytes,
                   std::uint32_t constant0)
    : m_ctx(ctx), m_bindings(bindings), m_pushBytes(pushBytes) {
    const VkDevice dev = ctx.device();
    try {
        std::vector<std::uint32_t> code((module.size + 3) / 4);
        std::memcpy(code.data(), module.bytes, module.size);
        VkShaderModuleCreateInfo sm{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
        sm.codeSize = module.size;
        sm.pCode = code.data();
        check(vkCreateShaderModule(dev, &sm, nullptr, &m_shader), "vkCreateShaderModule");

        std::vector<VkDescriptorSetLayoutBinding> b(static_cast<std::size_t>(bindings));
        for (int i = 0; i < bindings; ++i)
            b[std::size_t(i)] = {std::uint32_t(i), VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1,
                                 VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
        VkDescriptorSetLayoutCreateInfo dl{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
        dl.bindingCount = std::uint32_t(bindings);
        dl.pBindings = b.data();
        check(vkCreateDescriptorSetLayout(dev, &dl, nullptr, &m_setLayout),
              "vkCreateDescriptorSetLayout");

        VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, pushBytes};
        VkPipelineLayoutCreateInfo pl{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
        pl.setLayoutCount = 1;
        pl.pSetLayouts = &m_setLayout;
        pl.pushConstantRangeCount = pushBytes > 0 ? 1 : 0;
        pl.pPushConstantRanges = &range;
        check(vkCreatePipelineLayout(dev, &pl, nullptr, &m_layout), "vkCreatePipelineLayout");

        VkComputePipelineCreateInfo cp{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
        const VkSpecializationMapEntry entry{0, 0, sizeof(std::uint32_t)};
        const VkSpecializationInfo spec{1, &entry, sizeof(std::uint32_t), &constant0};
        cp.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
                    nullptr,
                    0,
                    VK_SHADER_STAGE_COMPUTE_BIT,
                    m_shader,
                    "main",
                    constant0 != 0 ? &spec : nullptr};
        cp.layout = m_layout;
        check(vkCreateComputePipelines(dev, VK_NULL_HANDLE, 1, &cp, nullptr, &m_pipeline),
              "vkCreateComputePipelines");

    } catch (...) {
        release();
        throw;
    }
}

Pipeline::~Pipeline() {
    release();
}

void Pipeline::release() {
    const VkDevice dev = m_ctx.device();
    if (m_descriptors) vkDestroyDescriptorPool(dev, m_descriptors, nullptr);
    if (m_pipeline) vkDestroyPipeline(dev, m_pipeline, nullptr);
    if (m_layout) vkDestroyPipelineLayout(dev, m_layout, nullptr);
    if (m_setLayout) vkDestroyDescriptorSetLayout(dev, m_setLayout, nullptr);
    if (m_shader) vkDestroyShaderModule(dev, m_shader, nullptr);
    m_descriptors = VK_NULL_HANDLE;
    m_pipeline = VK_NULL_HANDLE;
    m_layout = VK_NULL_HANDLE;
    m_setLayout = VK_NULL_HANDLE;
    m_shader = VK_NULL_HANDLE;
}

void Pipeline::run(const std::vector<const Buffer*>& buffers, const void* push,
                   std::uint32_t groups) {
    runSequence({Dispatch{buffers, push, groups}});
}

void Pipeline::runSequence(const std::vector<Dispatch>& dispatches) {
    if (dispatches.empty()) return;
    std::vector<std::vector<const Buffer*>> lists;
    for (const Dispatch& d : dispatches) lists.push_back(d.buffers);
    const std::vector<VkDescriptorSet> sets = allocateSets(lists);
    m_ctx.submit([&](VkCommandBuffer cmd) {
        for (std::size_t d = 0; d < dispatches.size(); ++d) {
            if (d > 0) barrierBetweenDispatches(cmd);
            record(cmd, sets[d], dispatches[d].push, dispatches[d].groups);
        }
        barrierToHost(cmd);
    });
}

std::vector<VkDescriptorSet>
Pipeline::allocateSets(const std::vector<std::vector<const Buffer*>>& bufferLists) {
    m_ctx.throwIfLost(); // the pool's sets may still be in use by a submission given up on
    const VkDevice dev = m_ctx.device();
    const auto count = std::uint32_t(bufferLists.size());
    if (count == 0) return {};
    if (count > m_poolSets) { // the pool grows to fit
        if (m_descriptors) vkDestroyDescriptorPool(dev, m_descriptors, nullptr);
        m_descriptors = VK_NULL_HANDLE;
        m_poolSets = 0;
        const VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                                        count * std::uint32_t(m_bindings)};
        VkDescriptorPoolCreateInfo dp{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
        dp.maxSets = count;
        dp.poolSizeCount = 1;
        dp.pPoolSizes = &size;
        check(vkCreateDescriptorPool(dev, &dp, nullptr, &m_descriptors), "vkCreateDescriptorPool");
        m_poolSets = count;
    }
    check(vkResetDescriptorPool(dev, m_descriptors, 0), "vkResetDescriptorPool");
    const std::vector<VkDescriptorSetLayout> layouts(count, m_setLayout);
    VkDescriptorSetAllocateInfo ai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    ai.descriptorPool = m_descriptors;
    ai.descriptorSetCount = count;
    ai.pSetLayouts = layouts.data();
    std::vector<VkDescriptorSet> sets(count, VK_NULL_HANDLE);
    check(vkAllocateDescriptorSets(dev, &ai, sets.data()), "vkAllocateDescriptorSets");
    std::vector<VkDescriptorBufferInfo> infos;
    infos.reserve(std::size_t(count) * std::size_t(m_bindings)); // no reallocation: see writes
    std::vector<VkWriteDescriptorSet> writes;
    for (std::uint32_t d = 0; d < count; ++d) {
        const auto& buffers = bufferLists[d];
        if (int(buffers.size()) != m_bindings)
            throw DeviceError("vulkan: a pipeline got the wrong number of buffers");
        for (std::size_t i = 0; i < buffers.size(); ++i) {
            infos.push_back({buffers[i]->handle(), 0, VK_WHOLE_SIZE});
            writes.push_back({VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, nullptr, sets[d],
                              std::uint32_t(i), 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, nullptr,
                              &infos.back(), nullptr});
        }
    }
    vkUpdateDescriptorSets(dev, std::uint32_t(writes.size()), writes.data(), 0, nullptr);
    return sets;
}

void Pipeline::record(VkCommandBuffer cmd, VkDescriptorSet set, const void* push,
                      std::uint32_t groups) const {
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, m_pipeline);
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, m_layout, 0, 1, &set, 0, nullptr);
    if (m_pushBytes > 0)
        vkCmdPushConstants(cmd, m_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, m_pushBytes, push);
    vkCmdDispatch(cmd, groups, 1, 1);
}

} // namespace dfs::vk
