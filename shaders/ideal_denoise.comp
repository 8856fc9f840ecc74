#version 450
// Ideal denoiser D(x) = sum_i softmax_i(-||x - alpha y_i||^2 / (2 sigma^2)) y_i (Karras et al.
// 2022, App. B.3; diffusion-math.md 4.2), one query per invocation, the training set streamed
// through shared memory in tiles, with an online (running-max) softmax (Milakov & Gimelshein
// 2018) so no logit is ever stored and tiny sigma cannot overflow; the logits are prescaled to
// base 2 so that each pair costs one exp2.
layout(local_size_x = 64) in;

const uint TILE = 256;
const uint MAX_DIM = 8; // array sizes stay plain constants (lavapipe mishandles arrays sized by
                        // specialisation constants); the loops run to DIM
// The data dimension, fixed when the pipeline is made, so the loops over it unroll and the
// per-query arrays stay in registers.
layout(constant_id = 0) const uint DIM = 2;

layout(std430, set = 0, binding = 0) readonly buffer Train { float y[]; };  // n x dim
layout(std430, set = 0, binding = 1) readonly buffer Query { float x[]; };  // m x dim
layout(std430, set = 0, binding = 2) writeonly buffer Out { float d[]; };   // m x dim
layout(push_constant) uniform Params {
    uint n, m;
    uint offset; // first query of this dispatch (large query sets go in several)
    float alpha;
    float invTwoSigma2;
    uint xBase, dBase; // where the queries and the outputs start in their buffers
} pc;

shared float tile[TILE * MAX_DIM];

void main() {
    const uint q = gl_GlobalInvocationID.x + pc.offset;
    const bool inRange = q < pc.m;
    // In base-2 units: with s = sqrt(log2(e) / (2 sigma^2)), x' = s x and y' = s alpha y, the
    // logit is -||x' - y'||^2 and its weight exp2(logit), one exp2 per pair.
    const float s = sqrt(1.4426950408889634 * pc.invTwoSigma2), alphaS = pc.alpha * s;
    float xq[MAX_DIM], acc[MAX_DIM];
    for (uint k = 0; k < DIM; ++k) {
        xq[k] = inRange ? s * x[pc.xBase + q * DIM + k] : 0.0;
        acc[k] = 0.0;
    }
    float best = -1.0 / 0.0, total = 0.0;
    for (uint base = 0; base < pc.n; base += TILE) {
        const uint count = min(TILE, pc.n - base);
        for (uint i = gl_LocalInvocationID.x; i < count * DIM; i += gl_WorkGroupSize.x)
            tile[i] = y[base * DIM + i];
        barrier();
        for (uint j = 0; j < count; ++j) {
            float dist = 0.0;
            for (uint k = 0; k < DIM; ++k) {
                const float diff = fma(-alphaS, tile[j * DIM + k], xq[k]);
                dist = fma(diff, diff, dist);
            }
            const float logit = -dist;
            if (logit > best) { // rescale what was summed under the old maximum
                const float scale = exp2(best - logit);
                total *= scale;
                for (uint k = 0; k < DIM; ++k) acc[k] *= scale;
                best = logit;
            }
            const float w = exp2(logit - best);
            total += w;
            for (uint k = 0; k < DIM; ++k) acc[k] = fma(w, tile[j * DIM + k], acc[k]);
        }
        barrier();
    }
    if (inRange)
        for (uint k = 0; k < DIM; ++k) d[pc.dBase + q * DIM + k] = acc[k] / total;
}
