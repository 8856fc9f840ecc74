// The Vulkan context: instance and device selection, memory types, and blocking submissions
// (one command buffer at a time) with a timeout and device timestamps around every submission.
// Every failure is a DeviceError (core/errors.hpp) naming the call and the result; nothing hangs.
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dfs::vk {

/// Throws DeviceError("vulkan: <what> failed (<result>)") unless r is VK_SUCCESS.
void check(VkResult r, const char* what);
const char* resultName(VkResult r);

struct DeviceDescription {
    int index;
    std::string name;
    std::string type; ///< "discrete GPU", "integrated GPU", "CPU", ...
    bool usable;      ///< has a compute queue
};

/// The physical devices of this machine, or throws DeviceError when Vulkan has none.
std::vector<DeviceDescription> listDevices();

/// Where a buffer lives: in device-local memory (kernels' data; the host reaches it only by
/// copies through a host buffer), or in host-visible memory mapped for its whole life.
enum class Memory { Device, Host };

/// What one allocation from a memory type may not exceed.
struct AllocationLimits {
    std::uint64_t
        maxAllocation;      ///< VkPhysicalDeviceMaintenance3Properties::maxMemoryAllocationSize
    std::uint64_t heapSize; ///< the size of the heap the memory type draws from
};

class Context {
public:
    /// Picks the device named by `selector` (an index or a substring of the name; empty: the
    /// environment variable DIFFUSCOPE_VULKAN_DEVICE, else discrete > integrated > other).
    /// Validation: the Khronos layer is enabled when DIFFUSCOPE_VULKAN_VALIDATION=1 (tests
    /// set it), and every message it reports as an error is counted.
    /// With `cooperativeMatrix`, also enables what shaders/mlp_run_coopmat.comp needs where
    /// the device has it (core/vulkan/coopmat_device.hpp); cooperativeMatrix() says which.
    explicit Context(const std::string& selector = "", bool cooperativeMatrix = false);
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    const std::string& deviceName() const { return m_deviceName; }
    /// The cooperative-matrix extension enabled for the kernel: 0 none, 1 KHR, 2 NV.
    int cooperativeMatrix() const { return m_coopmat; }
    /// Whether the device is a CPU implementation (Mesa's lavapipe).
    bool isCpuDevice() const { return m_cpuDevice; }
    /// The device's limits (shared memory, workgroup size, storage buffer range).
    const VkPhysicalDeviceLimits& limits() const { return m_limits; }
    VkDevice device() const { return m_device; }
    bool validation() const { return m_validation; }
    /// Validation errors reported so far, and the first message.
    int validationErrors() const { return m_errors; }
    const std::string& firstValidationError() const { return m_firstError; }

    /// The memory type for a buffer of the kind, or throws DeviceError when there is none.
    std::uint32_t memoryType(std::uint32_t typeBits, Memory kind) const;
    /// The limits of one allocation from memory type `type` (an index from memoryType()).
    AllocationLimits allocationLimits(std::uint32_t type) const;
    /// Waits until the device is idle, also after a submission timed out (so that its buffers
    /// can be freed); returns at once if the device was lost. The one wait without a timeout:
    /// a GPU that hangs without its driver ever reporting DEVICE_LOST would block here.
    void waitIdle();
    /// Throws DeviceError once a submission was lost or given up: call before touching any
    /// buffer or descriptor set that such a submission might still use.
    void throwIfLost() const;
    /// Records commands with `record`, submits, and waits up to timeout(); past it the
    /// submission is given up with a DeviceError and the context takes no more work.
    template <typename F> void submit(F&& record);
    std::uint64_t timeout() const { return m_timeoutNs; }
    void setTimeout(std::uint64_t ns) { m_timeoutNs = ns; } ///< default 20 s
    /// Whether the queue writes timestamps (then every submission is timed on the device).
    bool hasTimestamps() const { return m_timestamps != VK_NULL_HANDLE; }
    /// Device time of all submissions so far, from timestamps at their start and end (seconds;
    /// 0 without timestamps). The host's wall time minus this is the submission overhead.
    double deviceSeconds() const { return m_deviceSeconds; }

private:
    static VKAPI_ATTR VkBool32 VKAPI_CALL onMessage(VkDebugUtilsMessageSeverityFlagBitsEXT,
                                                    VkDebugUtilsMessageTypeFlagsEXT,
                                                    const VkDebugUtilsMessengerCallbackDataEXT*,
                                                    void*);
    void beginCommands();
    void release();
    void endAndWait(std::uint64_t timeoutNs);
    void createTimestamps(float period); ///< when the compute queue has timestamps

    VkInstance m_instance = VK_NULL_HANDLE;
    VkDebugUtilsMessengerEXT m_messenger = VK_NULL_HANDLE;
    VkPhysicalDevice m_physical = VK_NULL_HANDLE;
    VkPhysicalDeviceMemoryProperties m_memory{};
    std::uint64_t m_maxAllocation = 0;
    VkDevice m_device = VK_NULL_HANDLE;
    VkQueue m_queue = VK_NULL_HANDLE;
    std::uint32_t m_queueFamily = 0;
    VkCommandPool m_pool = VK_NULL_HANDLE;
    VkCommandBuffer m_cmd = VK_NULL_HANDLE;
    VkFence m_fence = VK_NULL_HANDLE;
    VkQueryPool m_timestamps = VK_NULL_HANDLE; ///< two queries: start and end of a submission
    double m_timestampNs = 0;                  ///< nanoseconds per tick
    std::uint64_t m_timestampMask = 0;         ///< the valid bits of a timestamp
    double m_deviceSeconds = 0;
    std::string m_deviceName;
    bool m_cpuDevice = false;
    int m_coopmat = 0;
    VkPhysicalDeviceLimits m_limits{};
    bool m_validation = false;
    int m_errors = 0;
    std::string m_firstError;
    bool m_lost = false;
    std::uint64_t m_timeoutNs = 20'000'000'000ull;
};

template <typename F> void Context::submit(F&& record) {
    beginCommands();
    record(m_cmd);
    endAndWait(m_timeoutNs);
}

} // namespace dfs::vk
