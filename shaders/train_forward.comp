#version 450
// Training forward pass, one dense layer (core/nn/mlp_kernels.inc): Z_l = W_l H_{l-1} + b_l
// and, for hidden layers, H_l = act(Z_l), both kept for the backward pass in the CPU's layout
// (samples' columns contiguous; Z_l, then H_l, per layer). H_0 is the batch's input, at hOffset
// in the batch buffer (which holds one batch per optimiser step of a submission).
// Tiled as train_backward_dw.comp: a workgroup of 256 invocations owns a 64 x 64 tile of
// (output j, sample b), each invocation a 4 x 4 block of it (j = tj + 16 a, b = tb + 16 c), and
// chunks of 16 inputs of W and H pass through shared memory, so that each value read from
// memory serves 64 products instead of one. Each Z starts from its bias and adds the inputs in
// order, as a plain loop would.
#include "activation.glsl"

layout(local_size_x = 256) in;
layout(std430, set = 0, binding = 0) readonly buffer Params { float params[]; };
layout(std430, set = 0, binding = 1) readonly buffer Batch { float batchData[]; }; // input first
layout(std430, set = 0, binding = 2) buffer Acts { float acts[]; };
layout(push_constant) uniform Push {
    uint nIn, nOut, batch, wOffset;
    uint fromInput, hOffset; // H_{l-1}: the batch's input (fromInput = 1) or acts, at hOffset
    uint zOffset, act;       // act: 0 SiLU, 1 GELU (tanh form), 2 ReLU, 3 none (output layer)
} pc;

const uint TILE = 64u;  // outputs and samples per workgroup tile
const uint CHUNK = 16u; // inputs per pass through shared memory
shared float wS[CHUNK][TILE];
shared float hS[CHUNK][TILE];

float hAt(uint b, uint i) {
    const uint at = pc.hOffset + b * pc.nIn + i;
    return pc.fromInput != 0u ? batchData[at] : acts[at];
}

void main() {
    const uint t = gl_LocalInvocationID.x;
    const uint tilesJ = (pc.nOut + TILE - 1u) / TILE;
    const uint j0 = (gl_WorkGroupID.x % tilesJ) * TILE, b0 = (gl_WorkGroupID.x / tilesJ) * TILE;
    const uint tj = t % 16u, tb = t / 16u;
    float acc[4][4];
    for (uint a = 0u; a < 4u; ++a) {
        const uint j = j0 + tj + 16u * a;
        const float bias = j < pc.nOut ? params[pc.wOffset + pc.nOut * pc.nIn + j] : 0.0;
        for (uint c = 0u; c < 4u; ++c) acc[a][c] = bias;
    }
    for (uint i0 = 0u; i0 < pc.nIn; i0 += CHUNK) {
        for (uint k = 0u; k < 4u; ++k) { // 1024 values of each operand, 4 per invocation
            const uint e = t + 256u * k;
            const uint wi = e / TILE, wj = e % TILE; // W: contiguous in j
            wS[wi][wj] = i0 + wi < pc.nIn && j0 + wj < pc.nOut
                             ? params[pc.wOffset + (i0 + wi) * pc.nOut + j0 + wj] : 0.0;
            const uint hi = e % CHUNK, hb = e / CHUNK; // H: contiguous in i
            hS[hi][hb] = i0 + hi < pc.nIn && b0 + hb < pc.batch ? hAt(b0 + hb, i0 + hi) : 0.0;
        }
        barrier();
        const uint count = min(CHUNK, pc.nIn - i0);
        for (uint ii = 0u; ii < count; ++ii) {
            float w[4], h[4];
            for (uint a = 0u; a < 4u; ++a) w[a] = wS[ii][tj + 16u * a];
            for (uint c = 0u; c < 4u; ++c) h[c] = hS[ii][tb + 16u * c];
            for (uint a = 0u; a < 4u; ++a)
                for (uint c = 0u; c < 4u; ++c) acc[a][c] += w[a] * h[c];
        }
        barrier();
    }
    for (uint a = 0u; a < 4u; ++a)
        for (uint c = 0u; c < 4u; ++c) {
            const uint j = j0 + tj + 16u * a, b = b0 + tb + 16u * c;
            if (j >= pc.nOut || b >= pc.batch) continue;
            const uint id = b * pc.nOut + j;
            acts[pc.zOffset + id] = acc[a][c];
            if (pc.act != 3u)
                acts[pc.zOffset + pc.nOut * pc.batch + id] = activate(pc.act, acc[a][c]);
        }
}
