#version 450
// Training forward pass, one dense layer (core/nn/mlp_kernels.inc): Z_l = W_l H_{l-1} + b_l
// and, for hidden layers, H_l = act(Z_l), both kept for the backward pass in the CPU's layout
// (samples' columns contiguous; Z_l, then H_l, per layer). H_0 is the batch's input, at hOffset
// in the batch buffer (which holds one batch per optimiser step of a submission).
#include "activation.glsl"

layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer Params { float params[]; };
layout(std430, set = 0, binding = 1) readonly buffer Batch { float batchData[]; }; // input first
layout(std430, set = 0, binding = 2) buffer Acts { float acts[]; };
layout(push_constant) uniform Push {
    uint nIn, nOut, batch, wOffset;
    uint fromInput, hOffset; // H_{l-1}: the batch's input (fromInput = 1) or acts, at hOffset
    uint zOffset, act;       // act: 0 SiLU, 1 GELU (tanh form), 2 ReLU, 3 none (output layer)
} pc;

void main() {
    const uint id = gl_GlobalInvocationID.x;
    if (id >= pc.nOut * pc.batch) return;
    const uint j = id % pc.nOut, b = id / pc.nOut;
    float z = params[pc.wOffset + pc.nOut * pc.nIn + j];
    for (uint i = 0; i < pc.nIn; ++i) {
        const float h = pc.fromInput != 0u ? batchData[pc.hOffset + b * pc.nIn + i]
                                           : acts[pc.hOffset + b * pc.nIn + i];
        z += params[pc.wOffset + i * pc.nOut + j] * h;
    }
    acts[pc.zOffset + id] = z;
    if (pc.act != 3u) acts[pc.zOffset + pc.nOut * pc.batch + id] = activate(pc.act, z);
}
