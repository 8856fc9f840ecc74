// Batched Gaussian noise from the Philox layout: a matrix of normals for a set of particles.
#pragma once

#include "core/types.hpp"

#include <cstdint>

namespace dfs {

/// Reserved step index for the initial noise x_T of a sampler run.
inline constexpr std::uint32_t kInitialNoiseStep = 0xFFFFFFFFu;

/// Fills an (rows x dim) matrix with standard normals; row r is particle firstParticle + r.
/// Deterministic in (seed, particle, step, substream), independent of batching and threads.
Matrix gaussianNoise(std::uint64_t seed, std::uint32_t firstParticle, Index rows, Index dim,
                     std::uint32_t step, std::uint32_t substream);

} // namespace dfs
