// Uniform parameter draws from Philox (PyTorch's default layer initialisation).
#include "core/nn/param_init.hpp"

#include "core/rng/philox.hpp"

#include <cmath>
#include <cstddef>

namespace dfs {

void fillUniform(float* p, long n, double bound, std::uint64_t seed, std::uint32_t stream,
                 std::uint32_t substream) {
    std::uint32_t block = 0;
    for (long i = 0; i < n; i += 4, ++block) {
        const auto u = philoxUniforms4(seed, stream, substream, 0, block);
        for (long j = 0; j < 4 && i + j < n; ++j)
            p[i + j] = float((2 * u[std::size_t(j)] - 1) * bound);
    }
}

void initialiseAffine(float* weights, long weightCount, float* bias, long biasCount, int fanIn,
                      std::uint64_t seed, std::uint32_t stream) {
    const double bound = 1.0 / std::sqrt(double(fanIn));
    fillUniform(weights, weightCount, bound, seed, stream, 0);
    fillUniform(bias, biasCount, bound, seed, stream, 1);
}

} // namespace dfs
