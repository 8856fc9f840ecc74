// Storage buffers in device-local or host-visible memory, and the copy between two.
#pragma once

#include "core/vulkan/context.hpp"

#include <cstddef>

namespace dfs::vk {

/// A storage buffer that copies can also read and write. Throws DeviceError (naming the size)
/// when the memory runs out.
class Buffer {
public:
    Buffer(Context& ctx, std::size_t bytes, Memory kind);
    ~Buffer();
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
    VkBuffer handle() const { return m_buffer; }
    std::size_t size() const { return m_size; }
    void* data() const { return m_mapped; } ///< the mapping of a host buffer; null on the device

private:
    void release();
    Context& m_ctx;
    VkBuffer m_buffer = VK_NULL_HANDLE;
    VkDeviceMemory m_memory = VK_NULL_HANDLE;
    std::size_t m_size = 0;
    void* m_mapped = nullptr;
};

/// Records a copy of `bytes` from src at srcOffset to dst at dstOffset.
void copyBuffer(VkCommandBuffer cmd, const Buffer& src, std::size_t srcOffset, const Buffer& dst,
                std::size_t dstOffset, std::size_t bytes);

} // namespace dfs::vk
