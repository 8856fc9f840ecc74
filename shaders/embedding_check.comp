#version 450
// Writes the noise-level features of embedding.glsl for n base angles, so that a test can
// compare them with core/model/model.cpp's timeEmbeddings: row r holds sin of the freqCount
// angles, then their cos.
#extension GL_GOOGLE_include_directive : require
#include "embedding.glsl"

layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer Angles { vec2 angles[]; }; // (hi, lo)
layout(std430, set = 0, binding = 1) readonly buffer Freqs { vec2 freqs[]; };   // (hi, lo)
layout(std430, set = 0, binding = 2) writeonly buffer Features { float features[]; };
layout(push_constant) uniform Params {
    uint n, freqCount;
} pc;

void main() {
    const uint id = gl_GlobalInvocationID.x;
    if (id >= pc.n * pc.freqCount) return;
    const uint r = id / pc.freqCount, k = id % pc.freqCount;
    const vec2 sc = sinCosOfAngle(angles[r].x, angles[r].y, freqs[k].x, freqs[k].y);
    features[r * 2u * pc.freqCount + k] = sc.x;
    features[r * 2u * pc.freqCount + pc.freqCount + k] = sc.y;
}
