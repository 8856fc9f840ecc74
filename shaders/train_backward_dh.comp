#version 450
// Backward through one layer to the one below (core/nn/mlp_kernels.inc):
//   dH_{l-1} = W_l^T dZ_l,   dZ_{l-1} = dH_{l-1} * act'(Z_{l-1}).
#include "activation.glsl"

layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer Params { float params[]; };
layout(std430, set = 0, binding = 1) readonly buffer Acts { float acts[]; };
layout(std430, set = 0, binding = 2) buffer Work { float work[]; };
layout(push_constant) uniform Push {
    uint nIn, nOut, batch, wOffset;
    uint zPrevOffset, dzOffset, dhOffset, act;
} pc;

void main() {
    const uint id = gl_GlobalInvocationID.x;
    if (id >= pc.nIn * pc.batch) return;
    const uint i = id % pc.nIn, b = id / pc.nIn;
    float dh = 0.0;
    for (uint j = 0; j < pc.nOut; ++j)
        dh += params[pc.wOffset + i * pc.nOut + j] * work[pc.dzOffset + b * pc.nOut + j];
    work[pc.dhOffset + id] = dh * activateDerivative(pc.act, acts[pc.zPrevOffset + id]);
}
