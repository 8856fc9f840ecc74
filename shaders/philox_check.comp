#version 450
// Writes Philox bits and normals for counters {i, step, substream, block}, i = 0..count-1, so
// a test can compare them with the C++ generator.
#extension GL_GOOGLE_include_directive : require
#include "philox.glsl"

layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) writeonly buffer Bits { uvec4 bits[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Normals { vec4 normals[]; };
layout(push_constant) uniform Params {
    uint seedLo, seedHi;
    uint step, substream, block, count;
} pc;

void main() {
    const uint i = gl_GlobalInvocationID.x;
    if (i >= pc.count) return;
    const uvec2 seed = uvec2(pc.seedLo, pc.seedHi);
    bits[i] = philox4x32_10(uvec4(i, pc.step, pc.substream, pc.block), seed);
    normals[i] = philoxNormals4(seed, i, pc.step, pc.substream, pc.block);
}
