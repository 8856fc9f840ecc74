#version 450
// Partial sums of squares of the gradient, one per workgroup (a tree in shared memory);
// norm_total.comp adds the partials into the squared norm (clipping, the log, divergence).
layout(local_size_x = 256) in;
layout(std430, set = 0, binding = 0) readonly buffer Grads { float grads[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Partials { float partials[]; };
layout(push_constant) uniform Push { uint n; } pc;
shared float part[256];

void main() {
    const uint id = gl_GlobalInvocationID.x, t = gl_LocalInvocationID.x;
    const float g = id < pc.n ? grads[id] : 0.0;
    part[t] = g * g;
    barrier();
    for (uint s = 128; s > 0; s >>= 1) {
        if (t < s) part[t] += part[t + s];
        barrier();
    }
    if (t == 0) partials[gl_WorkGroupID.x] = part[0];
}
