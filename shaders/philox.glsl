// Philox4x32-10 (Salmon et al., SC 2011) and Box-Muller normals in GLSL: the same bits as
// core/rng/philox.hpp, so GPU and CPU samplers draw the same noise (normals agree to float
// precision: the CPU evaluates Box-Muller in double).
#ifndef DIFFUSCOPE_PHILOX_GLSL
#define DIFFUSCOPE_PHILOX_GLSL

uvec4 philox4x32_10(uvec4 c, uvec2 k) {
    const uint M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
    const uint W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
    for (int round = 0; round < 10; ++round) {
        uint hi0, lo0, hi1, lo1;
        umulExtended(M0, c.x, hi0, lo0);
        umulExtended(M1, c.z, hi1, lo1);
        c = uvec4(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
        k += uvec2(W0, W1);
    }
    return c;
}

/// (u + 0.5) / 2^32 as in C++, rounded to float (exact for u < 2^24, so the small uniforms that
/// make the normals' tails agree closely; near 1 it may round to 1, giving a radius of 0).
float uniformOpen(uint u) { return fma(float(u), 2.3283064365386963e-10, 1.1641532182693481e-10); }

/// Four standard normals from counter {particle, step, substream, block} and a 64-bit seed.
vec4 philoxNormals4(uvec2 seed, uint particle, uint step, uint substream, uint block) {
    const uvec4 r = philox4x32_10(uvec4(particle, step, substream, block), seed);
    const float twoPi = 6.283185307179586;
    const float r0 = sqrt(-2.0 * log(uniformOpen(r.x)));
    const float r1 = sqrt(-2.0 * log(uniformOpen(r.z)));
    const float a0 = twoPi * uniformOpen(r.y);
    const float a1 = twoPi * uniformOpen(r.w);
    return vec4(r0 * cos(a0), r0 * sin(a0), r1 * cos(a1), r1 * sin(a1));
}

#endif
