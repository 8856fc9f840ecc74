// Random draws and argument checks shared by the dataset generators. Every draw comes from
// Philox (core/rng/philox.hpp) with key = seed and counter = {point index, 0, substream, block},
// so a dataset is a pure function of (name, n, noise, seed), independent of batching.
#pragma once

#include "core/datasets/dataset_registry.hpp"
#include "core/errors.hpp"
#include "core/rng/philox.hpp"
#include "core/types.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

namespace dfs::datasets {

/// Substreams of dataset draws. They sit far from the small substream numbers the samplers use,
/// so data drawn with seed S is not correlated with sampler noise drawn with the same seed.
inline constexpr std::uint32_t kUniformSubstream = 0x44415400u; // "DAT\0"
inline constexpr std::uint32_t kNormalSubstream = 0x44415401u;

/// The four uniforms in (0, 1) of point i (mixture component, position along a curve, ...).
inline std::array<double, 4> uniforms(std::uint64_t seed, Index i) {
    return philoxUniforms4(seed, std::uint32_t(i), 0, kUniformSubstream, 0);
}

/// Standard normals 4b..4b+3 of point i (the jitter of dimensions 4b..4b+3).
inline std::array<double, 4> normals(std::uint64_t seed, Index i, std::uint32_t block = 0) {
    return philoxNormals4(seed, std::uint32_t(i), 0, kNormalSubstream, block);
}

/// Index in [0, count) from a uniform in (0, 1).
inline int pick(double u, int count) {
    return std::min(int(u * count), count - 1);
}

/// Largest dataset a generator accepts (point indices must fit the 32-bit Philox counter).
inline constexpr Index kMaxPoints = kMaxDatasetPoints;

/// Throws UsageError unless 1 <= n <= kMaxPoints and noise is finite and >= 0.
inline void checkArgs(Index n, double noise) {
    if (n <= 0 || n > kMaxPoints)
        throw UsageError(fmt::format("--n must be between 1 and {} (got {})", kMaxPoints, n));
    if (!std::isfinite(noise) || noise < 0.0)
        throw UsageError(fmt::format("--noise must be a finite number >= 0 (got {})", noise));
}

} // namespace dfs::datasets
