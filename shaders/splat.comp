#version 450
// The density view's histogram (core/backend/backend.hpp, Backend::splat): each point adds one
// to the count of the cell it falls in. Integer atomics, so the counts do not depend on the
// order in which invocations run.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer Points { float p[]; }; // n x dim
layout(std430, set = 0, binding = 1) buffer Counts { uint counts[]; };      // ny rows of nx
layout(push_constant) uniform Push {
    uint n, dim, nx, ny, offset; // offset: first point of this dispatch
    float x0, y0, sx, sy;        // cell = floor((x - x0) sx), floor((y - y0) sy)
} pc;

void main() {
    const uint i = gl_GlobalInvocationID.x + pc.offset;
    if (i >= pc.n) return;
    const float fx = (p[i * pc.dim] - pc.x0) * pc.sx, fy = (p[i * pc.dim + 1] - pc.y0) * pc.sy;
    if (!(fx >= 0.0 && fx < float(pc.nx) && fy >= 0.0 && fy < float(pc.ny))) return; // also NaN
    const uint cx = min(uint(fx), pc.nx - 1), cy = min(uint(fy), pc.ny - 1);
    atomicAdd(counts[cy * pc.nx + cx], 1u);
}
