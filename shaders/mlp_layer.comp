#version 450
// One dense layer of the MLP denoiser: H_out = act(W H_in + b), with the parameters laid out as
// the CPU kernels have them (core/nn/mlp_kernels.inc): W column-major (nOut x nIn) at `offset`,
// then b (nOut). Activations are column-major, one sample per column. One invocation per output
// value; consecutive invocations share a sample, so the reads of H_in are broadcast and those of
// W are contiguous.
#include "activation.glsl"

layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer Params { float params[]; };
layout(std430, set = 0, binding = 1) readonly buffer In { float hin[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Out { float hout[]; };
layout(push_constant) uniform Push {
    uint nIn, nOut, batch, offset;
    uint act; // 0 SiLU, 1 GELU (tanh form), 2 ReLU, 3 none (the output layer)
} pc;

void main() {
    const uint id = gl_GlobalInvocationID.x;
    if (id >= pc.nOut * pc.batch) return;
    const uint j = id % pc.nOut, b = id / pc.nOut;
    float z = params[pc.offset + pc.nOut * pc.nIn + j];
    for (uint i = 0; i < pc.nIn; ++i) z += params[pc.offset + i * pc.nOut + j] * hin[b * pc.nIn + i];
    hout[b * pc.nOut + j] = activate(pc.act, z);
}
