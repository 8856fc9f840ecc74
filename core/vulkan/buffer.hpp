// Storage buffers in device-local or host-visible memory, and the copy between two.
#pragma once

#include "core/vulkan/context.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace dfs::vk {

/// A storage buffer that copies can also read and write. Throws DeviceError naming the size, the
/// limit and --backend cpu when it cannot have the memory: checkAllocationSize() before the
/// driver is asked, checkAllocation() on the driver's answer.
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

/// Throws DeviceError when `bytes` of `kind` memory exceed the heap, or else the largest single
/// allocation: the driver would fail (or the validation layer object) with a message that names
/// neither. A size past both names the heap, the limit that splitting cannot get around.
void checkAllocationSize(std::uint64_t bytes, const AllocationLimits& limits, Memory kind);
/// Returns on VK_SUCCESS; throws DeviceError naming the result, the size and --backend cpu when
/// `call`, for a buffer of `bytes`, ran out of device or host memory; as check() on other errors.
void checkAllocation(VkResult r, const char* call, std::uint64_t bytes);
/// "512.0 MiB", or "24.0 GiB" from 10 GiB on.
std::string memorySize(std::uint64_t bytes);

/// Records a copy of `bytes` from src at srcOffset to dst at dstOffset.
void copyBuffer(VkCommandBuffer cmd, const Buffer& src, std::size_t srcOffset, const Buffer& dst,
                std::size_t dstOffset, std::size_t bytes);

} // namespace dfs::vk
