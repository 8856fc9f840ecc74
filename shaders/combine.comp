#version 450
// One Combine op of a traced sampler step (core/samplers/step_program.hpp), over a bank of
// equally sized slots of n x dim values:
//   out = sum_k coef_k slot_k + sum_j coef_j z_j,
// where z_j are the standard normals of Philox substream j at this step (core/rng/noise.hpp's
// layout: counter {particle, step, substream, dim / 4}), so the device draws the CPU's noise.
#include "philox.glsl"

layout(local_size_x = 64) in;
struct Term {
    uint source; // a slot, or a noise substream
    uint noise;  // 1: source is a substream
    float coef;
    float unused;
};
layout(std430, set = 0, binding = 0) buffer Slots { float s[]; };
layout(std430, set = 0, binding = 1) readonly buffer Terms { Term terms[]; };
layout(push_constant) uniform Push {
    uint n, dim, stride; // stride: the floats of one slot
    uint outSlot, firstTerm, termCount;
    uint seedLo, seedHi, step, firstParticle;
} pc;

void main() {
    const uint id = gl_GlobalInvocationID.x;
    if (id >= pc.n * pc.dim) return;
    const uint c = id % pc.dim;
    float acc = 0.0;
    for (uint k = 0; k < pc.termCount; ++k) {
        const Term t = terms[pc.firstTerm + k];
        if (t.noise != 0u) {
            const vec4 z = philoxNormals4(uvec2(pc.seedLo, pc.seedHi), pc.firstParticle + id / pc.dim,
                                          pc.step, t.source, c / 4u);
            acc += t.coef * z[c % 4u];
        } else {
            acc += t.coef * s[t.source * pc.stride + id];
        }
    }
    s[pc.outSlot * pc.stride + id] = acc;
}
