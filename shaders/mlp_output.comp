#version 450
// The learned denoiser's output from its network's (core/denoisers/learned_denoiser.hpp,
// affine()): with x* = ratio (x - alpha mean) / scale,
//   D = mean + scale (a x* + b F),
// where every training target's x0 is affine in (x*, F) (core/model/target.hpp), so the host
// passes the two coefficients for the evaluation's training level. x and D are slots of a bank.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer Slots { float s[]; };
layout(std430, set = 0, binding = 1) readonly buffer Net { float net[]; };    // n x dim
layout(std430, set = 0, binding = 2) readonly buffer Table { float table[]; }; // mean first
layout(push_constant) uniform Push {
    uint n, dim, stride, xSlot, dSlot;
    float ratio, alpha, invScale, scale, a, b;
} pc;

void main() {
    const uint id = gl_GlobalInvocationID.x;
    if (id >= pc.n * pc.dim) return;
    const uint c = id % pc.dim;
    const float xs = pc.ratio * (s[pc.xSlot * pc.stride + id] - pc.alpha * table[c]) * pc.invScale;
    s[pc.dSlot * pc.stride + id] = table[c] + pc.scale * (pc.a * xs + pc.b * net[id]);
}
