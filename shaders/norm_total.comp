#version 450
// The gradient's squared norm from sum_squares.comp's partial sums, by one workgroup: each
// invocation adds every 256th partial in order, then a tree in shared memory. Written to
// norms[slot] (one slot per optimiser step of a submission), where adam.comp reads it to clip
// the gradient and the host reads it for the log and the divergence check.
layout(local_size_x = 256) in;
layout(std430, set = 0, binding = 0) readonly buffer Partials { float partials[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Norms { float norms[]; };
layout(push_constant) uniform Push { uint count, slot; } pc;
shared float part[256];

void main() {
    const uint t = gl_LocalInvocationID.x;
    float s = 0.0;
    for (uint i = t; i < pc.count; i += 256u) s += partials[i];
    part[t] = s;
    barrier();
    for (uint h = 128u; h > 0u; h >>= 1) {
        if (t < h) part[t] += part[t + h];
        barrier();
    }
    if (t == 0u) norms[pc.slot] = part[0];
}
