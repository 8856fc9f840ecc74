#version 450
// One layer's parameter gradients (core/nn/mlp_kernels.inc): dW_l = dZ_l H_{l-1}^T and
// db_l = dZ_l 1, one parameter per invocation, summed over the batch in sample order.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer Batch { float batchData[]; };
layout(std430, set = 0, binding = 1) readonly buffer Acts { float acts[]; };
layout(std430, set = 0, binding = 2) readonly buffer Work { float work[]; };
layout(std430, set = 0, binding = 3) writeonly buffer Grads { float grads[]; };
layout(push_constant) uniform Push {
    uint nIn, nOut, batch, wOffset;
    uint fromInput, hOffset, dzOffset;
} pc;

void main() {
    const uint p = gl_GlobalInvocationID.x;
    const uint weights = pc.nOut * pc.nIn;
    if (p >= weights + pc.nOut) return;
    float g = 0.0;
    if (p < weights) { // W is column-major: p = i nOut + j
        const uint j = p % pc.nOut, i = p / pc.nOut;
        for (uint b = 0; b < pc.batch; ++b) {
            const float h = pc.fromInput != 0u ? batchData[b * pc.nIn + i]
                                               : acts[pc.hOffset + b * pc.nIn + i];
            g += work[pc.dzOffset + b * pc.nOut + j] * h;
        }
    } else {
        for (uint b = 0; b < pc.batch; ++b) g += work[pc.dzOffset + b * pc.nOut + p - weights];
    }
    grads[pc.wOffset + p] = g;
}
