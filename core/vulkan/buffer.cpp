// Storage buffers in device-local or host-visible memory, and the copy between two.
#include "core/vulkan/buffer.hpp"

#include "core/errors.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace dfs::vk {

Buffer::Buffer(Context& ctx, std::size_t bytes, Memory kind)
    : m_ctx(ctx), m_size(std::max<std::size_t>(bytes, 16)) {
    VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    info.size = m_size;
    info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                 VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    check(vkCreateBuffer(ctx.device(), &info, nullptr, &m_buffer), "vkCreateBuffer");
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(ctx.device(), m_buffer, &req);
    VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    alloc.allocationSize = req.size;
    try {
        alloc.memoryTypeIndex = ctx.memoryType(req.memoryTypeBits, kind);
        const VkResult r = vkAllocateMemory(ctx.device(), &alloc, nullptr, &m_memory);
        if (r == VK_ERROR_OUT_OF_DEVICE_MEMORY || r == VK_ERROR_OUT_OF_HOST_MEMORY)
            throw DeviceError(fmt::format("vulkan: out of {} memory for a buffer of {:.1f} MB",
                                          kind == Memory::Device ? "device" : "host",
                                          double(m_size) / 1048576.0));
        check(r, "vkAllocateMemory");
        check(vkBindBufferMemory(ctx.device(), m_buffer, m_memory, 0), "vkBindBufferMemory");
        if (kind == Memory::Host) // device buffers stay unmapped, even where they could be
            check(vkMapMemory(ctx.device(), m_memory, 0, VK_WHOLE_SIZE, 0, &m_mapped),
                  "vkMapMemory");
    } catch (...) {
        release();
        throw;
    }
}

Buffer::~Buffer() {
    release();
}

void Buffer::release() {
    if (m_memory) vkFreeMemory(m_ctx.device(), m_memory, nullptr); // unmaps implicitly
    if (m_buffer) vkDestroyBuffer(m_ctx.device(), m_buffer, nullptr);
    m_memory = VK_NULL_HANDLE;
    m_buffer = VK_NULL_HANDLE;
}

void copyBuffer(VkCommandBuffer cmd, const Buffer& src, std::size_t srcOffset, const Buffer& dst,
                std::size_t dstOffset, std::size_t bytes) {
    const VkBufferCopy region{srcOffset, dstOffset, bytes};
    vkCmdCopyBuffer(cmd, src.handle(), dst.handle(), 1, &region);
}

} // namespace dfs::vk
