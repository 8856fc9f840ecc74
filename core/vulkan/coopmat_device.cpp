// Whether the device can run shaders/mlp_run_coopmat.comp, and what to enable for it.
#include "core/vulkan/coopmat_device.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

namespace dfs::vk {

namespace {

// VK_KHR_cooperative_matrix (extension 507), as the specification declares it.
constexpr auto kKhrFeaturesType = VkStructureType(1000506000);
constexpr auto kKhrPropertiesType = VkStructureType(1000506001);
struct KhrProperties { // VkCooperativeMatrixPropertiesKHR
    VkStructureType sType;
    void* pNext;
    std::uint32_t mSize, nSize, kSize;
    std::int32_t aType, bType, cType, resultType; // VkComponentTypeKHR
    VkBool32 saturatingAccumulation;
    std::int32_t scope; // VkScopeKHR
};
using KhrQuery = VkResult(VKAPI_PTR*)(VkPhysicalDevice, std::uint32_t*, KhrProperties*);
constexpr std::int32_t kFloat16 = 0, kFloat32 = 1, kSubgroupScope = 3; // both extensions' values

/// The kernel's shape: D (16 x 8, fp32) = A (16 x 16, fp16) B (16 x 8, fp16) + C (fp32).
bool kernelShape(std::uint32_t m, std::uint32_t n, std::uint32_t k, std::int32_t a, std::int32_t b,
                 std::int32_t c, std::int32_t d, std::int32_t scope) {
    return m == 16 && n == 8 && k == 16 && a == kFloat16 && b == kFloat16 && c == kFloat32 &&
           d == kFloat32 && scope == kSubgroupScope;
}

bool khrShape(VkInstance instance, VkPhysicalDevice device) {
    const auto query = reinterpret_cast<KhrQuery>(
        vkGetInstanceProcAddr(instance, "vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR"));
    std::uint32_t n = 0;
    if (!query || query(device, &n, nullptr) != VK_SUCCESS) return false;
    std::vector<KhrProperties> props(
        n, KhrProperties{kKhrPropertiesType, nullptr, 0, 0, 0, 0, 0, 0, 0, VK_FALSE, 0});
    if (query(device, &n, props.data()) != VK_SUCCESS) return false;
    for (const KhrProperties& p : props)
        if (!p.saturatingAccumulation && kernelShape(p.mSize, p.nSize, p.kSize, p.aType, p.bType,
                                                     p.cType, p.resultType, p.scope))
            return true;
    return false;
}

bool nvShape(VkInstance instance, VkPhysicalDevice device) {
    const auto query = reinterpret_cast<PFN_vkGetPhysicalDeviceCooperativeMatrixPropertiesNV>(
        vkGetInstanceProcAddr(instance, "vkGetPhysicalDeviceCooperativeMatrixPropertiesNV"));
    std::uint32_t n = 0;
    if (!query || query(device, &n, nullptr) != VK_SUCCESS) return false;
    std::vector<VkCooperativeMatrixPropertiesNV> props(
        n, VkCooperativeMatrixPropertiesNV{VK_STRUCTURE_TYPE_COOPERATIVE_MATRIX_PROPERTIES_NV});
    if (query(device, &n, props.data()) != VK_SUCCESS) return false;
    for (const VkCooperativeMatrixPropertiesNV& p : props)
        if (kernelShape(p.MSize, p.NSize, p.KSize, p.AType, p.BType, p.CType, p.DType, p.scope))
            return true;
    return false;
}

} // namespace

void prepareCooperativeMatrix(VkInstance instance, VkPhysicalDevice device, CoopmatSetup& s) {
    s.kind = CoopmatKind::None;
    s.extensions.clear();
    std::uint32_t n = 0;
    vkEnumerateDeviceExtensionProperties(device, nullptr, &n, nullptr);
    std::vector<VkExtensionProperties> exts(n);
    vkEnumerateDeviceExtensionProperties(device, nullptr, &n, exts.data());
    const auto has = [&](const char* name) {
        for (const VkExtensionProperties& e : exts)
            if (std::strcmp(e.extensionName, name) == 0) return true;
        return false;
    };

    // Subgroups of 32: the kernel's four subgroups tile a workgroup of 128.
    VkPhysicalDeviceSubgroupProperties subgroup{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
    VkPhysicalDeviceProperties2 props{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, &subgroup};
    vkGetPhysicalDeviceProperties2(device, &props);
    if (subgroup.subgroupSize != 32) return;

    const char* prefer = std::getenv("DIFFUSCOPE_VULKAN_COOPMAT");
    const bool preferNv = prefer && std::string(prefer) == "nv";
    const bool khr = has("VK_KHR_cooperative_matrix"), nv = has("VK_NV_cooperative_matrix");
    // The features, queried with both extensions' structures where the device has them.
    s.khr = {kKhrFeaturesType, nullptr, VK_FALSE, VK_FALSE};
    s.nv.pNext = nullptr;
    s.memoryModel.pNext = &s.float16;
    s.float16.pNext = &s.storage16;
    s.storage16.pNext = nullptr;
    void* chain = &s.memoryModel;
    if (khr) s.khr.pNext = chain, chain = &s.khr;
    if (nv) s.nv.pNext = chain, chain = &s.nv;
    s.features2 = {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, chain, {}};
    vkGetPhysicalDeviceFeatures2(device, &s.features2);
    if (!s.memoryModel.vulkanMemoryModel || !s.float16.shaderFloat16 ||
        !s.storage16.storageBuffer16BitAccess)
        return;
    const bool khrOk = khr && s.khr.cooperativeMatrix && khrShape(instance, device);
    const bool nvOk = nv && s.nv.cooperativeMatrix && nvShape(instance, device);
    if (!khrOk && !nvOk) return;
    s.kind = khrOk && !(preferNv && nvOk) ? CoopmatKind::Khr : CoopmatKind::Nv;

    // Enable exactly what the kernel uses.
    const VkBool32 deviceScope = s.memoryModel.vulkanMemoryModelDeviceScope;
    s.memoryModel = {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_MEMORY_MODEL_FEATURES, &s.float16,
                     VK_TRUE, deviceScope, VK_FALSE};
    s.float16 = {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES, &s.storage16,
                 VK_TRUE, VK_FALSE};
    s.storage16 = {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES,
                   nullptr,
                   VK_TRUE,
                   VK_FALSE,
                   VK_FALSE,
                   VK_FALSE};
    void* head = &s.memoryModel;
    if (s.kind == CoopmatKind::Khr) {
        s.khr = {kKhrFeaturesType, head, VK_TRUE, VK_FALSE};
        head = &s.khr;
        s.extensions.push_back("VK_KHR_cooperative_matrix");
    } else {
        s.nv = {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_FEATURES_NV, head, VK_TRUE,
                VK_FALSE};
        head = &s.nv;
        s.extensions.push_back("VK_NV_cooperative_matrix");
    }
    s.features2 = {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, head, {}};
    // Promoted to Vulkan 1.1 and 1.2; named where the device lists them (the instance asks for
    // 1.1).
    for (const char* e : {"VK_KHR_vulkan_memory_model", "VK_KHR_shader_float16_int8",
                          "VK_KHR_16bit_storage", "VK_KHR_storage_buffer_storage_class"})
        if (has(e)) s.extensions.push_back(e);
}

} // namespace dfs::vk
