// Cooperative matrices on the device (VK_KHR_cooperative_matrix, else VK_NV_cooperative_matrix)
// for shaders/mlp_run_coopmat.comp: whether the physical device offers what the kernel needs
// (an fp16 x fp16 + fp32 shape of M = 16, N = 8, K = 16 at subgroup scope, subgroups of 32,
// float16 arithmetic, 16-bit storage-buffer access, the Vulkan memory model), and the extensions
// and features to enable at device creation. The installed Vulkan headers may predate the KHR
// extension, so its few structures are declared here as the specification lays them out.
#pragma once

#include <vulkan/vulkan.h>

#include <vector>

namespace dfs::vk {

enum class CoopmatKind { None, Khr, Nv };

/// What Context enables for the kernel: fill with prepareCooperativeMatrix() before
/// vkCreateDevice, chain `features()` into VkDeviceCreateInfo::pNext and add `extensions`.
struct CoopmatSetup {
    CoopmatKind kind = CoopmatKind::None;
    std::vector<const char*> extensions;
    VkPhysicalDeviceFeatures2 features2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
    /// The first structure of the feature chain, or null when nothing is enabled.
    const void* features() const { return kind == CoopmatKind::None ? nullptr : &features2; }

    // The chain's structures (addresses taken: a setup is not copied).
    struct KhrFeatures { // VkPhysicalDeviceCooperativeMatrixFeaturesKHR
        VkStructureType sType;
        void* pNext;
        VkBool32 cooperativeMatrix, cooperativeMatrixRobustBufferAccess;
    } khr{};
    VkPhysicalDeviceCooperativeMatrixFeaturesNV nv{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_FEATURES_NV};
    VkPhysicalDeviceVulkanMemoryModelFeatures memoryModel{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_MEMORY_MODEL_FEATURES};
    VkPhysicalDeviceShaderFloat16Int8Features float16{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES};
    VkPhysicalDevice16BitStorageFeatures storage16{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};

    CoopmatSetup() = default;
    CoopmatSetup(const CoopmatSetup&) = delete;
    CoopmatSetup& operator=(const CoopmatSetup&) = delete;
};

/// Fills `setup` for `device` (KHR preferred; DIFFUSCOPE_VULKAN_COOPMAT=nv prefers NV): kind
/// stays None when the device lacks any part of what the kernel needs.
void prepareCooperativeMatrix(VkInstance instance, VkPhysicalDevice device, CoopmatSetup& setup);

} // namespace dfs::vk
