#version 450
// One deterministic DDIM step (Song, Meng & Ermon 2021, eq. 12 with eta = 0) on the learned
// denoiser's network output, in place:
//   D = mean + scale (a x* + b F),   x* = ratio (x - alpha_t mean) / scale,
//   x_s = alpha_s D + sigma_s (x - alpha_t D) / sigma_t   (x_s = alpha_s D on the last step).
// Every training target's x0 is affine in (x*, F) (core/training/target.hpp, x0FromTarget), so
// the host passes its two coefficients a and b for the step's training level.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer X { float x[]; };                 // n x dim
layout(std430, set = 0, binding = 1) readonly buffer Net { float net[]; };    // n x dim
layout(std430, set = 0, binding = 2) readonly buffer Table { float table[]; }; // mean first
layout(push_constant) uniform Push {
    uint n, dim;
    float ratio, alphaT, sigmaT, invScale, scale, a, b, alphaS, sigmaS;
} pc;

void main() {
    const uint id = gl_GlobalInvocationID.x;
    if (id >= pc.n * pc.dim) return;
    const uint c = id % pc.dim;
    const float xv = x[id];
    const float xs = pc.ratio * (xv - pc.alphaT * table[c]) * pc.invScale;
    const float d = table[c] + pc.scale * (pc.a * xs + pc.b * net[id]);
    x[id] = pc.alphaS * d + (pc.sigmaS > 0.0 ? pc.sigmaS * (xv - pc.alphaT * d) / pc.sigmaT : 0.0);
}
