// The Vulkan context: instance and device selection, memory types, and blocking submissions
// with their timestamps.
#include "core/vulkan/context.hpp"
#include "core/vulkan/coopmat_device.hpp"

#include "core/errors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace dfs::vk {

namespace {

constexpr const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";

std::string typeName(VkPhysicalDeviceType t) {
    switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
        return "discrete GPU";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
        return "integrated GPU";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
        return "virtual GPU";
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
        return "CPU";
    default:
        return "other";
    }
}

int typeRank(VkPhysicalDeviceType t) {
    switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
        return 0;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
        return 1;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
        return 2;
    default:
        return 3;
    }
}

bool envFlag(const char* name) {
    const char* v = std::getenv(name);
    return v && std::strcmp(v, "0") != 0 && *v != '\0';
}

bool layerAvailable(const char* name) {
    std::uint32_t n = 0;
    vkEnumerateInstanceLayerProperties(&n, nullptr);
    std::vector<VkLayerProperties> layers(n);
    vkEnumerateInstanceLayerProperties(&n, layers.data());
    return std::any_of(layers.begin(), layers.end(), [&](const VkLayerProperties& l) {
        return std::strcmp(l.layerName, name) == 0;
    });
}

VkInstance makeInstance(bool validation) {
    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.pApplicationName = "Diffuscope";
    app.apiVersion = VK_API_VERSION_1_1;
    VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    info.pApplicationInfo = &app;
    // With validation, the layer's synchronisation checks too: a missing barrier between a copy
    // and a dispatch (or two dispatches) is then an error like any other.
    const char* exts[] = {VK_EXT_DEBUG_UTILS_EXTENSION_NAME,
                          VK_EXT_VALIDATION_FEATURES_EXTENSION_NAME};
    const VkValidationFeatureEnableEXT sync =
        VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT;
    VkValidationFeaturesEXT features{VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT};
    features.enabledValidationFeatureCount = 1;
    features.pEnabledValidationFeatures = &sync;
    if (validation) {
        info.pNext = &features;
        info.enabledLayerCount = 1;
        info.ppEnabledLayerNames = &kValidationLayer;
        info.enabledExtensionCount = 2;
        info.ppEnabledExtensionNames = exts;
    }
    VkInstance instance = VK_NULL_HANDLE;
    check(vkCreateInstance(&info, nullptr, &instance), "vkCreateInstance");
    return instance;
}

std::vector<VkPhysicalDevice> physicalDevices(VkInstance instance) {
    std::uint32_t n = 0;
    check(vkEnumeratePhysicalDevices(instance, &n, nullptr), "vkEnumeratePhysicalDevices");
    std::vector<VkPhysicalDevice> devices(n);
    check(vkEnumeratePhysicalDevices(instance, &n, devices.data()), "vkEnumeratePhysicalDevices");
    return devices;
}

int computeQueueFamily(VkPhysicalDevice d) {
    std::uint32_t n = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(d, &n, nullptr);
    std::vector<VkQueueFamilyProperties> families(n);
    vkGetPhysicalDeviceQueueFamilyProperties(d, &n, families.data());
    for (std::uint32_t i = 0; i < n; ++i)
        if (families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) return int(i);
    return -1;
}

/// maxMemoryAllocationSize (Vulkan 1.1); a Vulkan 1.0 device promises 2^30 bytes at least (the
/// specification's "Required Limits" for it), so assume no more there.
std::uint64_t maxAllocation(VkPhysicalDevice d, std::uint32_t apiVersion) {
    if (apiVersion < VK_API_VERSION_1_1) return std::uint64_t(1) << 30;
    VkPhysicalDeviceMaintenance3Properties m3{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES};
    VkPhysicalDeviceProperties2 p2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
    p2.pNext = &m3;
    vkGetPhysicalDeviceProperties2(d, &p2);
    return m3.maxMemoryAllocationSize;
}

} // namespace

const char* resultName(VkResult r) {
    switch (r) {
    case VK_SUCCESS:
        return "VK_SUCCESS";
    case VK_TIMEOUT:
        return "VK_TIMEOUT";
    case VK_ERROR_OUT_OF_HOST_MEMORY:
        return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY:
        return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case VK_ERROR_INITIALIZATION_FAILED:
        return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST:
        return "VK_ERROR_DEVICE_LOST";
    case VK_ERROR_LAYER_NOT_PRESENT:
        return "VK_ERROR_LAYER_NOT_PRESENT";
    case VK_ERROR_EXTENSION_NOT_PRESENT:
        return "VK_ERROR_EXTENSION_NOT_PRESENT";
    case VK_ERROR_INCOMPATIBLE_DRIVER:
        return "VK_ERROR_INCOMPATIBLE_DRIVER";
    default:
        return "VkResult error";
    }
}

void check(VkResult r, const char* what) {
    if (r == VK_SUCCESS) return;
    std::string hint;
    if (r == VK_ERROR_INCOMPATIBLE_DRIVER || r == VK_ERROR_INITIALIZATION_FAILED)
        hint = "; is a Vulkan driver installed (mesa-vulkan-drivers for the CPU)?";
    if (r == VK_ERROR_OUT_OF_DEVICE_MEMORY || r == VK_ERROR_OUT_OF_HOST_MEMORY)
        hint = "; try fewer points or particles, or --backend cpu";
    throw DeviceError(fmt::format("vulkan: {} failed ({}){}", what, resultName(r), hint));
}

std::vector<DeviceDescription> listDevices() {
    VkInstance instance = makeInstance(false);
    std::vector<DeviceDescription> out;
    try {
        const auto devices = physicalDevices(instance);
        for (std::size_t i = 0; i < devices.size(); ++i) {
            VkPhysicalDeviceProperties p;
            vkGetPhysicalDeviceProperties(devices[i], &p);
            out.push_back({int(i), p.deviceName, typeName(p.deviceType),
                           computeQueueFamily(devices[i]) >= 0});
        }
    } catch (...) {
        vkDestroyInstance(instance, nullptr);
        throw;
    }
    vkDestroyInstance(instance, nullptr);
    return out;
}

VKAPI_ATTR VkBool32 VKAPI_CALL Context::onMessage(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                  VkDebugUtilsMessageTypeFlagsEXT,
                                                  const VkDebugUtilsMessengerCallbackDataEXT* data,
                                                  void* user) {
    auto* self = static_cast<Context*>(user);
    if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) {
        if (self->m_errors++ == 0) self->m_firstError = data->pMessage ? data->pMessage : "";
    }
    return VK_FALSE;
}

Context::Context(const std::string& selectorIn, bool cooperativeMatrix) {
    m_validation = envFlag("DIFFUSCOPE_VULKAN_VALIDATION") && layerAvailable(kValidationLayer);
    m_instance = makeInstance(m_validation);
    try {
        if (m_validation) {
            VkDebugUtilsMessengerCreateInfoEXT info{
                VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
            info.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                                   VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
            info.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                               VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT;
            info.pfnUserCallback = &Context::onMessage;
            info.pUserData = this;
            auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
                vkGetInstanceProcAddr(m_instance, "vkCreateDebugUtilsMessengerEXT"));
            if (create)
                check(create(m_instance, &info, nullptr, &m_messenger),
                      "vkCreateDebugUtilsMessengerEXT");
        }
        const auto devices = physicalDevices(m_instance);
        if (devices.empty())
            throw DeviceError(
                "vulkan: no Vulkan device (install mesa-vulkan-drivers for lavapipe)");
        std::string selector = selectorIn;
        if (selector.empty())
            if (const char* env = std::getenv("DIFFUSCOPE_VULKAN_DEVICE")) selector = env;
        int chosen = -1, bestRank = 99;
        const bool isIndex =
            !selector.empty() && selector.find_first_not_of("0123456789") == std::string::npos;
        for (std::size_t i = 0; i < devices.size(); ++i) {
            VkPhysicalDeviceProperties p;
            vkGetPhysicalDeviceProperties(devices[i], &p);
            if (computeQueueFamily(devices[i]) < 0) continue;
            if (isIndex) { // an index selects by position only
                if (selector == std::to_string(i)) chosen = int(i);
            } else if (!selector.empty()) {
                if (chosen < 0 && std::string(p.deviceName).find(selector) != std::string::npos)
                    chosen = int(i);
            } else if (typeRank(p.deviceType) < bestRank) {
                bestRank = typeRank(p.deviceType);
                chosen = int(i);
            }
        }
        if (chosen < 0)
            throw DeviceError(selector.empty()
                                  ? std::string("vulkan: no device with a compute queue")
                                  : fmt::format("vulkan: no usable device matches '{}'", selector));
        m_physical = devices[std::size_t(chosen)];
        VkPhysicalDeviceProperties props;
        vkGetPhysicalDeviceProperties(m_physical, &props);
        m_deviceName = props.deviceName;
        m_cpuDevice = props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
        m_limits = props.limits;
        vkGetPhysicalDeviceMemoryProperties(m_physical, &m_memory);
        m_maxAllocation = maxAllocation(m_physical, props.apiVersion);
        m_queueFamily = std::uint32_t(computeQueueFamily(m_physical));

        const float priority = 1.0f;
        VkDeviceQueueCreateInfo queue{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
        queue.queueFamilyIndex = m_queueFamily;
        queue.queueCount = 1;
        queue.pQueuePriorities = &priority;
        VkDeviceCreateInfo dev{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
        dev.queueCreateInfoCount = 1;
        dev.pQueueCreateInfos = &queue;
        CoopmatSetup coopmat; // the cooperative-matrix kernel's extensions and features
        if (cooperativeMatrix) prepareCooperativeMatrix(m_instance, m_physical, coopmat);
        dev.pNext = coopmat.features();
        dev.enabledExtensionCount = std::uint32_t(coopmat.extensions.size());
        dev.ppEnabledExtensionNames = coopmat.extensions.data();
        m_coopmat = int(coopmat.kind);
        check(vkCreateDevice(m_physical, &dev, nullptr, &m_device), "vkCreateDevice");
        vkGetDeviceQueue(m_device, m_queueFamily, 0, &m_queue);

        VkCommandPoolCreateInfo pool{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
        pool.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
        pool.queueFamilyIndex = m_queueFamily;
        check(vkCreateCommandPool(m_device, &pool, nullptr, &m_pool), "vkCreateCommandPool");
        VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
        alloc.commandPool = m_pool;
        alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
        alloc.commandBufferCount = 1;
        check(vkAllocateCommandBuffers(m_device, &alloc, &m_cmd), "vkAllocateCommandBuffers");
        VkFenceCreateInfo fence{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
        check(vkCreateFence(m_device, &fence, nullptr, &m_fence), "vkCreateFence");
        createTimestamps(props.limits.timestampPeriod);
    } catch (...) {
        release();
        throw;
    }
}

Context::~Context() {
    release();
}

void Context::release() {
    if (m_device) {
        vkDeviceWaitIdle(m_device);
        if (m_fence) vkDestroyFence(m_device, m_fence, nullptr);
        if (m_timestamps) vkDestroyQueryPool(m_device, m_timestamps, nullptr);
        if (m_pool) vkDestroyCommandPool(m_device, m_pool, nullptr);
        vkDestroyDevice(m_device, nullptr);
        m_device = VK_NULL_HANDLE;
    }
    if (m_messenger) {
        auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
            vkGetInstanceProcAddr(m_instance, "vkDestroyDebugUtilsMessengerEXT"));
        if (destroy) destroy(m_instance, m_messenger, nullptr);
        m_messenger = VK_NULL_HANDLE;
    }
    if (m_instance) vkDestroyInstance(m_instance, nullptr);
    m_instance = VK_NULL_HANDLE;
}

std::uint32_t Context::memoryType(std::uint32_t typeBits, Memory kind) const {
    // Device: device-local memory, where kernels read and write at full speed (on a discrete
    // GPU, not the host's RAM across the bus). Host: mappable and coherent, cached where the
    // device offers it (fast reads of results).
    const VkMemoryPropertyFlags host =
        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    const std::vector<VkMemoryPropertyFlags> wants =
        kind == Memory::Device
            ? std::vector<VkMemoryPropertyFlags>{VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT}
            : std::vector<VkMemoryPropertyFlags>{host | VK_MEMORY_PROPERTY_HOST_CACHED_BIT, host};
    for (const VkMemoryPropertyFlags want : wants)
        for (std::uint32_t i = 0; i < m_memory.memoryTypeCount; ++i)
            if ((typeBits & (1u << i)) && (m_memory.memoryTypes[i].propertyFlags & want) == want)
                return i;
    throw DeviceError(kind == Memory::Device
                          ? "vulkan: the device has no device-local memory for buffers"
                          : "vulkan: the device has no host-visible coherent memory");
}

AllocationLimits Context::allocationLimits(std::uint32_t type) const {
    return {m_maxAllocation, m_memory.memoryHeaps[m_memory.memoryTypes[type].heapIndex].size};
}

void Context::waitIdle() {
    // Also after a timeout: the submission may still be running, and the caller is about to
    // free the buffers it uses. A device that is really lost answers at once (DEVICE_LOST).
    if (m_device) vkDeviceWaitIdle(m_device);
}

void Context::createTimestamps(float period) {
    std::uint32_t n = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(m_physical, &n, nullptr);
    std::vector<VkQueueFamilyProperties> families(n);
    vkGetPhysicalDeviceQueueFamilyProperties(m_physical, &n, families.data());
    const std::uint32_t bits = families[m_queueFamily].timestampValidBits;
    if (bits == 0 || !(period > 0)) return; // the queue cannot time itself: no timings
    VkQueryPoolCreateInfo q{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
    q.queryType = VK_QUERY_TYPE_TIMESTAMP;
    q.queryCount = 2;
    check(vkCreateQueryPool(m_device, &q, nullptr, &m_timestamps), "vkCreateQueryPool");
    m_timestampNs = period;
    m_timestampMask = bits >= 64 ? ~std::uint64_t(0) : (std::uint64_t(1) << bits) - 1;
}

void Context::throwIfLost() const {
    if (m_lost)
        throw DeviceError("vulkan: the device was lost earlier; restart with --backend cpu");
}

void Context::beginCommands() {
    throwIfLost();
    check(vkResetCommandBuffer(m_cmd, 0), "vkResetCommandBuffer");
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    check(vkBeginCommandBuffer(m_cmd, &begin), "vkBeginCommandBuffer");
    if (m_timestamps) {
        vkCmdResetQueryPool(m_cmd, m_timestamps, 0, 2);
        vkCmdWriteTimestamp(m_cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, m_timestamps, 0);
    }
}

void Context::endAndWait(std::uint64_t timeoutNs) {
    if (m_timestamps)
        vkCmdWriteTimestamp(m_cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, m_timestamps, 1);
    check(vkEndCommandBuffer(m_cmd), "vkEndCommandBuffer");
    VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &m_cmd;
    check(vkResetFences(m_device, 1, &m_fence), "vkResetFences");
    VkResult r = vkQueueSubmit(m_queue, 1, &submit, m_fence);
    if (r == VK_SUCCESS) r = vkWaitForFences(m_device, 1, &m_fence, VK_TRUE, timeoutNs);
    if (r == VK_ERROR_DEVICE_LOST || r == VK_TIMEOUT) m_lost = true;
    if (r == VK_TIMEOUT)
        throw DeviceError(fmt::format("vulkan: a dispatch did not finish within {:g} s",
                                      double(timeoutNs) * 1e-9));
    check(r, "vkQueueSubmit/vkWaitForFences");
    if (m_timestamps) {
        std::uint64_t ticks[2] = {0, 0};
        check(vkGetQueryPoolResults(m_device, m_timestamps, 0, 2, sizeof ticks, ticks,
                                    sizeof(std::uint64_t), VK_QUERY_RESULT_64_BIT),
              "vkGetQueryPoolResults");
        const std::uint64_t elapsed = (ticks[1] - ticks[0]) & m_timestampMask;
        m_deviceSeconds += double(elapsed) * m_timestampNs * 1e-9;
    }
}

} // namespace dfs::vk
