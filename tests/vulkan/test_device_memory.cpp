// Buffers the device cannot have: each way an allocation fails (past the memory heap, past
// maxMemoryAllocationSize, the driver out of memory) is a DeviceError naming the size, the limit
// or the result, and --backend cpu; the context keeps working and the validation layer stays
// quiet. On any device: sizes follow its own limits.
#include "core/errors.hpp"
#include "core/vulkan/buffer.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace dfs;
using dfs::vk::Memory;

namespace {

constexpr std::uint64_t kMiB = std::uint64_t(1) << 20;

/// The message of the DeviceError that f throws ("" if none).
template <typename F> std::string errorOf(F&& f) {
    try {
        f();
    } catch (const DeviceError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

/// The limits of a device buffer on this context's device.
vk::AllocationLimits deviceLimits(const vk::Context& ctx) {
    return ctx.allocationLimits(ctx.memoryType(~0u, Memory::Device));
}

void requireStillWorks(vk::Context& ctx) {
    vk::Buffer fine(ctx, kMiB, Memory::Host);
    CHECK(fine.data() != nullptr);
    CHECK(ctx.validationErrors() == 0);
}

} // namespace

TEST_CASE("vulkan: sizes in messages are MiB, and GiB from 10 GiB on", "[vulkan]") {
    CHECK(vk::memorySize(kMiB) == "1.0 MiB");
    CHECK(vk::memorySize(2048 * kMiB + kMiB) == "2049.0 MiB");
    CHECK(vk::memorySize(10 * 1024 * kMiB - kMiB) == "10239.0 MiB");
    CHECK(vk::memorySize(std::uint64_t(1) << 40) == "1024.0 GiB");
}

TEST_CASE("vulkan: a buffer larger than the memory heap is refused before the driver sees it",
          "[vulkan]") {
    vk::Context ctx;
    const vk::AllocationLimits limits = deviceLimits(ctx);
    REQUIRE(limits.heapSize > 0);
    REQUIRE(limits.maxAllocation > 0);
    // Just past the heap, and 1 TiB (past every heap of the machines this runs on).
    for (const std::uint64_t bytes : {limits.heapSize + kMiB, std::uint64_t(1) << 40}) {
        if (bytes <= limits.heapSize) continue;
        INFO(bytes << " bytes, heap " << limits.heapSize);
        const std::string e = errorOf([&] { vk::Buffer huge(ctx, bytes, Memory::Device); });
        INFO(e);
        CHECK(contains(e, "larger than the device memory heap"));
        CHECK(contains(e, vk::memorySize(bytes)));
        CHECK(contains(e, vk::memorySize(limits.heapSize)));
        CHECK(contains(e, "--backend cpu"));
    }
    requireStillWorks(ctx);
}

TEST_CASE("vulkan: a buffer past maxMemoryAllocationSize is refused before the driver sees it",
          "[vulkan]") {
    vk::Context ctx;
    const vk::AllocationLimits limits = deviceLimits(ctx);
    const std::uint64_t bytes = limits.maxAllocation + kMiB;
    std::string e;
    if (bytes <= limits.heapSize) { // GPUs: one allocation may take less than the heap
        e = errorOf([&] { vk::Buffer big(ctx, bytes, Memory::Device); });
    } else { // lavapipe: one allocation may take the whole heap; so the check, on a larger one
        e = errorOf([&] {
            vk::checkAllocationSize(bytes, {limits.maxAllocation, 2 * bytes}, Memory::Device);
        });
    }
    INFO(e);
    CHECK(contains(e, "maxMemoryAllocationSize"));
    CHECK(contains(e, vk::memorySize(bytes)));
    CHECK(contains(e, vk::memorySize(limits.maxAllocation)));
    CHECK(contains(e, "--backend cpu"));
    // Past both limits, the heap is named: splitting the buffer would not help.
    CHECK(contains(errorOf([&] {
                       vk::checkAllocationSize(4 * kMiB, {kMiB, 2 * kMiB}, Memory::Host);
                   }),
                   "larger than the host memory heap (2.0 MiB)"));
    // Within both, no error.
    CHECK(errorOf([&] { vk::checkAllocationSize(kMiB, {kMiB, kMiB}, Memory::Device); }).empty());
    requireStillWorks(ctx);
}

TEST_CASE("vulkan: the driver running out of memory is named, with the size and --backend cpu",
          "[vulkan]") {
    // Within the limits a driver may still fail (the heap is shared, or fragmented); lavapipe
    // does not, so the driver's answer is given to the check directly.
    const std::string device = errorOf([] {
        vk::checkAllocation(VK_ERROR_OUT_OF_DEVICE_MEMORY, "vkAllocateMemory", 3 * 1024 * kMiB);
    });
    CHECK(device == "vulkan: out of device memory for a buffer of 3072.0 MiB (vkAllocateMemory: "
                    "VK_ERROR_OUT_OF_DEVICE_MEMORY); try fewer points or particles, or "
                    "--backend cpu");
    const std::string host = errorOf(
        [] { vk::checkAllocation(VK_ERROR_OUT_OF_HOST_MEMORY, "vkCreateBuffer", 5 * kMiB); });
    CHECK(contains(host, "out of host memory for a buffer of 5.0 MiB"));
    CHECK(contains(host, "VK_ERROR_OUT_OF_HOST_MEMORY"));
    CHECK(contains(host, "--backend cpu"));
    // Other failures keep check()'s message; success passes.
    CHECK(contains(
        errorOf([] { vk::checkAllocation(VK_ERROR_DEVICE_LOST, "vkAllocateMemory", kMiB); }),
        "vkAllocateMemory failed (VK_ERROR_DEVICE_LOST)"));
    CHECK(errorOf([] { vk::checkAllocation(VK_SUCCESS, "vkAllocateMemory", kMiB); }).empty());
}
