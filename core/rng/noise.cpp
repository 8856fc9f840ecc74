// Batched Philox draws. A chunk of counters goes through the ten rounds together (one SIMD lane
// per counter: the loop over counters is innermost-independent and GCC vectorises it), then
// Box-Muller (Box & Muller 1958) maps the uniforms to normals with the vectorised sinCos; only
// the logarithm stays a libm call.
#include "core/rng/noise.hpp"

#include "core/multiversion.hpp"
#include "core/rng/philox.hpp"
#include "core/sincos.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace dfs {

namespace {

constexpr int kChunk = 256; // counters per pass: the arrays below stay in L1

/// x = philox4x32_10(x, key) for n counters held as four arrays (structure of arrays).
DFS_MULTIVERSION void philoxRounds(std::uint32_t* x0, std::uint32_t* x1, std::uint32_t* x2,
                                   std::uint32_t* x3, int n, std::uint64_t seed) {
    constexpr std::uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
    constexpr std::uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
    std::uint32_t k0 = std::uint32_t(seed), k1 = std::uint32_t(seed >> 32);
    for (int round = 0; round < 10; ++round, k0 += W0, k1 += W1)
        for (int i = 0; i < n; ++i) {
            const std::uint64_t p0 = std::uint64_t(M0) * x0[i];
            const std::uint64_t p1 = std::uint64_t(M1) * x2[i];
            const std::uint32_t a = std::uint32_t(p1 >> 32) ^ x1[i] ^ k0;
            const std::uint32_t b = std::uint32_t(p0 >> 32) ^ x3[i] ^ k1;
            x0[i] = a;
            x1[i] = std::uint32_t(p1);
            x2[i] = b;
            x3[i] = std::uint32_t(p0);
        }
}

struct Counters {
    alignas(64) std::uint32_t x0[kChunk], x1[kChunk], x2[kChunk], x3[kChunk];
};

} // namespace

void philoxNormalRows(std::uint64_t seed, std::uint32_t firstParticle, Index rows, int blocks,
                      std::uint32_t step, std::uint32_t substream, double* out) {
    Counters c;
    alignas(64) double radius[2 * kChunk], angle[2 * kChunk], s[2 * kChunk], co[2 * kChunk];
    constexpr double twoPi = 6.283185307179586476925;
    const Index total = rows * blocks;
    for (Index first = 0; first < total; first += kChunk) {
        const int n = int(std::min<Index>(kChunk, total - first));
        for (int i = 0; i < n; ++i) {
            const Index at = first + i;
            c.x0[i] = std::uint32_t(firstParticle + at / blocks);
            c.x1[i] = step;
            c.x2[i] = substream;
            c.x3[i] = std::uint32_t(at % blocks);
        }
        philoxRounds(c.x0, c.x1, c.x2, c.x3, n, seed);
        for (int i = 0; i < n; ++i) { // the same expressions as philoxNormals4
            radius[2 * i] = std::sqrt(-2.0 * std::log(uniformOpen(c.x0[i])));
            radius[2 * i + 1] = std::sqrt(-2.0 * std::log(uniformOpen(c.x2[i])));
            angle[2 * i] = twoPi * uniformOpen(c.x1[i]);
            angle[2 * i + 1] = twoPi * uniformOpen(c.x3[i]);
        }
        sinCos(angle, s, co, 2 * n);
        double* o = out + 4 * first;
        for (int i = 0; i < 2 * n; ++i) {
            o[2 * i] = radius[i] * co[i];
            o[2 * i + 1] = radius[i] * s[i];
        }
    }
}

void philoxUniformRows(std::uint64_t seed, std::uint32_t firstParticle, Index rows,
                       std::uint32_t step, std::uint32_t substream, double* out) {
    Counters c;
    for (Index first = 0; first < rows; first += kChunk) {
        const int n = int(std::min<Index>(kChunk, rows - first));
        for (int i = 0; i < n; ++i) {
            c.x0[i] = std::uint32_t(firstParticle + first + i);
            c.x1[i] = step;
            c.x2[i] = substream;
            c.x3[i] = 0;
        }
        philoxRounds(c.x0, c.x1, c.x2, c.x3, n, seed);
        double* o = out + 4 * first;
        for (int i = 0; i < n; ++i) {
            o[4 * i] = uniformOpen(c.x0[i]);
            o[4 * i + 1] = uniformOpen(c.x1[i]);
            o[4 * i + 2] = uniformOpen(c.x2[i]);
            o[4 * i + 3] = uniformOpen(c.x3[i]);
        }
    }
}

Matrix gaussianNoise(std::uint64_t seed, std::uint32_t firstParticle, Index rows, Index dim,
                     std::uint32_t step, std::uint32_t substream) {
    const int blocks = int((dim + 3) / 4);
    Matrix z(rows, dim);
    if (rows == 0 || dim == 0) return z;
    // Row-major scratch in slices of rows, so the normals are written once and copied once.
    const Index slice = std::max<Index>(1, 4096 / blocks);
    std::vector<double> buf(std::size_t(std::min(rows, slice) * blocks * 4));
    for (Index r0 = 0; r0 < rows; r0 += slice) {
        const Index m = std::min(slice, rows - r0);
        philoxNormalRows(seed, std::uint32_t(firstParticle + r0), m, blocks, step, substream,
                         buf.data());
        for (Index r = 0; r < m; ++r)
            for (Index d = 0; d < dim; ++d) z(r0 + r, d) = buf[std::size_t(r * blocks * 4 + d)];
    }
    return z;
}

} // namespace dfs
