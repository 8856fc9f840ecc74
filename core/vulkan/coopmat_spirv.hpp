// SPV_NV_cooperative_matrix to SPV_KHR_cooperative_matrix: the project's glslc compiles only the
// NV form of GLSL cooperative matrices, and VK_KHR_cooperative_matrix devices take the KHR
// form. The two differ in little: KHR matrix types name their use (A, B or accumulator), loads
// and stores take a layout constant before the stride instead of a column-major bool after it,
// and the opcodes and the capability are renumbered.
#pragma once

#include <cstdint>
#include <vector>

namespace dfs::vk {

/// The KHR form of an NV cooperative-matrix module, or an empty vector when the module is not
/// in the form this handles: every matrix type used in one role only (the A, B or accumulator
/// operand of OpCooperativeMatrixMulAddNV, found through the operands' definitions), the
/// column-major operands constants. Other modules come back unchanged.
std::vector<std::uint32_t> cooperativeMatrixNvToKhr(const std::vector<std::uint32_t>& nv);

} // namespace dfs::vk
