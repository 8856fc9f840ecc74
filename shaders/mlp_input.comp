#version 450
// The learned denoiser's network input, one column per row of x (core/denoisers/
// learned_denoiser.cpp, inputs(); core/model/model.cpp, networkInput()):
//   column = [c_in x*, shared features],  x* = ratio (x - alpha mean) / scale,
// where the shared features (the noise-level embedding and the class one-hot) are the same for
// every row, so the host computes them once per step into the table.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer Slots { float s[]; }; // x in slot xSlot
layout(std430, set = 0, binding = 1) readonly buffer Table { float table[]; }; // mean, features
layout(std430, set = 0, binding = 2) writeonly buffer Columns { float cols[]; }; // n x inDim
layout(push_constant) uniform Push {
    uint n, dim, inDim, features; // features: offset of this step's shared features in table
    uint stride, xSlot;           // x is s[xSlot * stride ...], n x dim
    float ratio, alpha, invScale, cin;
} pc;

void main() {
    const uint id = gl_GlobalInvocationID.x;
    if (id >= pc.n * pc.inDim) return;
    const uint r = id / pc.inDim, j = id % pc.inDim;
    if (j < pc.dim) // table[0 .. dim) is the data mean
        cols[id] = pc.cin * pc.ratio * (s[pc.xSlot * pc.stride + r * pc.dim + j] - pc.alpha * table[j]) * pc.invScale;
    else
        cols[id] = table[pc.features + j - pc.dim];
}
