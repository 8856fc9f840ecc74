// Philox4x32-10 counter-based generator (Salmon, Moraes, Dror & Shaw, "Parallel random numbers:
// as easy as 1, 2, 3", SC 2011) and the normal deviates derived from it. The same functions are
// written in GLSL (shaders/philox.glsl) so the CPU and GPU backends draw identical noise.
//
// Noise layout used by every sampler: key = the 64-bit seed; counter = {particle, step,
// substream, block}, where block b carries the normals of dimensions 4b..4b+3.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

namespace dfs {

using PhiloxCounter = std::array<std::uint32_t, 4>;
using PhiloxKey = std::array<std::uint32_t, 2>;

/// One Philox4x32 block with 10 rounds.
constexpr PhiloxCounter philox4x32_10(PhiloxCounter c, PhiloxKey k) {
    constexpr std::uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
    constexpr std::uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
    for (int round = 0; round < 10; ++round) {
        const std::uint64_t p0 = std::uint64_t(M0) * c[0];
        const std::uint64_t p1 = std::uint64_t(M1) * c[2];
        const auto hi0 = std::uint32_t(p0 >> 32), lo0 = std::uint32_t(p0);
        const auto hi1 = std::uint32_t(p1 >> 32), lo1 = std::uint32_t(p1);
        c = {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
        k[0] += W0;
        k[1] += W1;
    }
    return c;
}

/// Maps 32 random bits to a uniform in the open interval (0, 1): (u + 0.5) / 2^32.
constexpr double uniformOpen(std::uint32_t u) {
    return (double(u) + 0.5) * 0x1p-32;
}

/// Four standard normals from one counter, by Box-Muller on the pairs (u0, u1) and (u2, u3).
inline std::array<double, 4> philoxNormals4(std::uint64_t seed, std::uint32_t particle,
                                            std::uint32_t step, std::uint32_t substream,
                                            std::uint32_t block) {
    const PhiloxCounter r = philox4x32_10({particle, step, substream, block},
                                          {std::uint32_t(seed), std::uint32_t(seed >> 32)});
    constexpr double twoPi = 6.283185307179586476925;
    const double r0 = std::sqrt(-2.0 * std::log(uniformOpen(r[0])));
    const double r1 = std::sqrt(-2.0 * std::log(uniformOpen(r[2])));
    const double a0 = twoPi * uniformOpen(r[1]);
    const double a1 = twoPi * uniformOpen(r[3]);
    return {r0 * std::cos(a0), r0 * std::sin(a0), r1 * std::cos(a1), r1 * std::sin(a1)};
}

/// Four uniforms in (0, 1) from one counter.
inline std::array<double, 4> philoxUniforms4(std::uint64_t seed, std::uint32_t particle,
                                             std::uint32_t step, std::uint32_t substream,
                                             std::uint32_t block) {
    const PhiloxCounter r = philox4x32_10({particle, step, substream, block},
                                          {std::uint32_t(seed), std::uint32_t(seed >> 32)});
    return {uniformOpen(r[0]), uniformOpen(r[1]), uniformOpen(r[2]), uniformOpen(r[3])};
}

} // namespace dfs
