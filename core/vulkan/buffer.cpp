// Storage buffers in device-local or host-visible memory, and the copy between two.
#include "core/vulkan/buffer.hpp"

#include "core/errors.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace dfs::vk {

namespace {

constexpr const char* kAdvice = "try fewer points or particles, or --backend cpu";

const char* memoryName(Memory kind) {
    return kind == Memory::Device ? "device" : "host";
}

} // namespace

std::string memorySize(std::uint64_t bytes) {
    constexpr double kMiB = 1024.0 * 1024.0, kGiB = 1024.0 * kMiB;
    return double(bytes) >= 10 * kGiB ? fmt::format("{:.1f} GiB", double(bytes) / kGiB)
                                      : fmt::format("{:.1f} MiB", double(bytes) / kMiB);
}

void checkAllocationSize(std::uint64_t bytes, const AllocationLimits& limits, Memory kind) {
    if (bytes > limits.heapSize)
        throw DeviceError(fmt::format("vulkan: a buffer of {} is larger than the {} memory heap "
                                      "({}); {}",
                                      memorySize(bytes), memoryName(kind),
                                      memorySize(limits.heapSize), kAdvice));
    if (bytes > limits.maxAllocation)
        throw DeviceError(fmt::format("vulkan: a buffer of {} is larger than the device's largest "
                                      "allocation (maxMemoryAllocationSize, {}); {}",
                                      memorySize(bytes), memorySize(limits.maxAllocation),
                                      kAdvice));
}

void checkAllocation(VkResult r, const char* call, std::uint64_t bytes) {
    if (r == VK_ERROR_OUT_OF_DEVICE_MEMORY || r == VK_ERROR_OUT_OF_HOST_MEMORY)
        throw DeviceError(fmt::format("vulkan: out of {} memory for a buffer of {} ({}: {}); {}",
                                      r == VK_ERROR_OUT_OF_DEVICE_MEMORY ? "device" : "host",
                                      memorySize(bytes), call, resultName(r), kAdvice));
    check(r, call);
}

Buffer::Buffer(Context& ctx, std::size_t bytes, Memory kind)
    : m_ctx(ctx), m_size(std::max<std::size_t>(bytes, 16)) {
    // Before the driver sees the size (drivers fail a buffer past their limits in their own
    // ways), against the memory type a buffer of the kind would have; again below with the
    // buffer's own requirements.
    checkAllocationSize(m_size, ctx.allocationLimits(ctx.memoryType(~0u, kind)), kind);
    VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    info.size = m_size;
    info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                 VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    checkAllocation(vkCreateBuffer(ctx.device(), &info, nullptr, &m_buffer), "vkCreateBuffer",
                    m_size);
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(ctx.device(), m_buffer, &req);
    VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    alloc.allocationSize = req.size;
    try {
        alloc.memoryTypeIndex = ctx.memoryType(req.memoryTypeBits, kind);
        checkAllocationSize(req.size, ctx.allocationLimits(alloc.memoryTypeIndex), kind);
        checkAllocation(vkAllocateMemory(ctx.device(), &alloc, nullptr, &m_memory),
                        "vkAllocateMemory", req.size);
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
