// Batched Gaussian noise from the Philox layout.
#include "core/rng/noise.hpp"

#include "core/rng/philox.hpp"

namespace dfs {

Matrix gaussianNoise(std::uint64_t seed, std::uint32_t firstParticle, Index rows, Index dim,
                     std::uint32_t step, std::uint32_t substream) {
    Matrix z(rows, dim);
    for (Index r = 0; r < rows; ++r) {
        const auto particle = std::uint32_t(firstParticle + r);
        for (Index d0 = 0; d0 < dim; d0 += 4) {
            const auto n = philoxNormals4(seed, particle, step, substream, std::uint32_t(d0 / 4));
            for (Index j = 0; j < 4 && d0 + j < dim; ++j) z(r, d0 + j) = n[std::size_t(j)];
        }
    }
    return z;
}

} // namespace dfs
