// The layout of a shader's structs read from its SPIR-V (the offsets, types and names of a
// push-constant block's or a named struct's members), for tests of the host's mirrors
// (core/vulkan/shader_structs.hpp). Reads only what the project's shaders use: members that
// are 32-bit scalars, vectors of them, or arrays of scalars.
#pragma once

#include "core/vulkan/spirv.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dfs::vk {

enum class Scalar { U32, I32, F32, Other };

/// One member: `count` scalars of `kind` at `offset` (a vector or an array of them: count > 1).
struct MemberLayout {
    std::string name; ///< empty where the module has no names (optimised kernels)
    std::uint32_t offset = 0;
    Scalar kind = Scalar::Other;
    std::uint32_t count = 1;
    bool operator==(const MemberLayout&) const = default;
};

struct StructLayout {
    std::vector<MemberLayout> members;
    std::uint32_t size = 0;        ///< the last member's end
    std::uint32_t arrayStride = 0; ///< of an array of this struct in the module, if any
};

/// The push-constant block of `module`, or none. Throws std::runtime_error on a module it
/// cannot read.
std::optional<StructLayout> pushConstantLayout(const SpirvModule& module);
/// The struct with an explicit layout that the module names `name` (OpName; only unoptimised
/// modules keep names), or none.
std::optional<StructLayout> structLayout(const SpirvModule& module, std::string_view name);
/// "name: u32 @0, ..., (size 28)": the whole layout, to compare and to show.
std::string describe(const StructLayout& layout);

} // namespace dfs::vk
