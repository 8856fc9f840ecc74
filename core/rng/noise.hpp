// Batched draws from the Philox layout (core/rng/philox.hpp): normals and uniforms for a run of
// consecutive particles, computed a chunk at a time in vectorised loops, equal to the one-block
// functions philoxNormals4 / philoxUniforms4 to within a few units in the last place.
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

/// out[r * 4 blocks + 4 b + j] = philoxNormals4(seed, firstParticle + r, step, substream, b)[j]
/// for r < rows, b < blocks, j < 4.
void philoxNormalRows(std::uint64_t seed, std::uint32_t firstParticle, Index rows, int blocks,
                      std::uint32_t step, std::uint32_t substream, double* out);

/// out[r * 4 + j] = philoxUniforms4(seed, firstParticle + r, step, substream, 0)[j].
void philoxUniformRows(std::uint64_t seed, std::uint32_t firstParticle, Index rows,
                       std::uint32_t step, std::uint32_t substream, double* out);

} // namespace dfs
