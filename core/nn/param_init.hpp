// Parameter initialisation shared by the convolutional layers: uniform draws from Philox, so a
// network's initial weights depend only on the seed (not on the platform's std:: distributions).
#pragma once

#include <cstdint>

namespace dfs {

/// p[i] ~ U(-bound, bound) for i < n, from Philox 4x32-10 with key `seed` and counter
/// {stream, substream, 0, i / 4}. Distinct (stream, substream) pairs give independent draws.
void fillUniform(float* p, long n, double bound, std::uint64_t seed, std::uint32_t stream,
                 std::uint32_t substream);

/// PyTorch's default for nn.Linear and nn.Conv2d (Kaiming-uniform with a = sqrt(5), He et al.
/// 2015, Section 2.2): bound = gain sqrt(3 / fanIn) with gain = sqrt(2 / (1 + a^2)), which is
/// 1 / sqrt(fanIn) for weights and biases alike. Weights use substream 0, biases substream 1.
/// Requires fanIn >= 1.
void initialiseAffine(float* weights, long weightCount, float* bias, long biasCount, int fanIn,
                      std::uint64_t seed, std::uint32_t stream);

} // namespace dfs
