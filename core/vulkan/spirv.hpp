// Compute shaders compiled from shaders/*.comp at build time and embedded as SPIR-V bytes: one
// dfs::vk::kSpirv_<name> per shader, declared in the generated core/vulkan/spirv_modules.hpp
// (core/vulkan/CMakeLists.txt writes it from the shaders it finds).
#pragma once

#include <cstddef>
#include <span>

namespace dfs::vk {

struct SpirvModule {
    const char* name; ///< the shader's file name without .comp
    const unsigned char* bytes;
    std::size_t size;
};

/// Every embedded kernel, in file-name order.
std::span<const SpirvModule* const> spirvModules();
/// The same shaders compiled without optimisation, so that they keep their names (OpName,
/// OpMemberName), for tests of the host's mirrors of their structs. Defined only in the library
/// diffuscope_spirv_named, which only tests link.
std::span<const SpirvModule* const> spirvModulesWithNames();

} // namespace dfs::vk

#include "core/vulkan/spirv_modules.hpp"
