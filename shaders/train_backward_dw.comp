#version 450
// One layer's parameter gradients (core/nn/mlp_kernels.inc): dW_l = dZ_l H_{l-1}^T and
// db_l = dZ_l 1, summed over the batch in sample order (so every entry has the bits of a plain
// loop over the samples). dW is tiled: a workgroup of 256 invocations owns a 64 x 64 tile of
// (output j, input i), each invocation a 4 x 4 block of it (j = tj + 16 a, i = ti + 16 c), and
// chunks of 16 samples of dZ and H pass through shared memory, so that each value read from
// memory serves 64 products instead of one. The last ceil(nOut / 256) workgroups sum db.
layout(local_size_x = 256) in;
layout(std430, set = 0, binding = 0) readonly buffer Batch { float batchData[]; };
layout(std430, set = 0, binding = 1) readonly buffer Acts { float acts[]; };
layout(std430, set = 0, binding = 2) readonly buffer Work { float work[]; };
layout(std430, set = 0, binding = 3) writeonly buffer Grads { float grads[]; };
layout(push_constant) uniform Push {
    uint nIn, nOut, batch, wOffset;
    uint fromInput, hOffset, dzOffset;
} pc;

const uint TILE = 64u;  // outputs and inputs per workgroup tile
const uint CHUNK = 16u; // samples per pass through shared memory
shared float dzS[CHUNK][TILE];
shared float hS[CHUNK][TILE];

float hAt(uint b, uint i) {
    // H_{l-1}: the batch's input (fromInput = 1) or acts, at hOffset.
    const uint at = pc.hOffset + b * pc.nIn + i;
    return pc.fromInput != 0u ? batchData[at] : acts[at];
}

void main() {
    const uint t = gl_LocalInvocationID.x;
    const uint tilesJ = (pc.nOut + TILE - 1u) / TILE, tilesI = (pc.nIn + TILE - 1u) / TILE;
    const uint group = gl_WorkGroupID.x;
    if (group >= tilesJ * tilesI) { // db: one output per invocation
        const uint j = (group - tilesJ * tilesI) * 256u + t;
        if (j >= pc.nOut) return;
        float g = 0.0;
        for (uint b = 0u; b < pc.batch; ++b) g += work[pc.dzOffset + b * pc.nOut + j];
        grads[pc.wOffset + pc.nOut * pc.nIn + j] = g;
        return;
    }
    const uint j0 = (group % tilesJ) * TILE, i0 = (group / tilesJ) * TILE;
    const uint tj = t % 16u, ti = t / 16u;
    float acc[4][4];
    for (uint a = 0u; a < 4u; ++a)
        for (uint c = 0u; c < 4u; ++c) acc[a][c] = 0.0;
    for (uint b0 = 0u; b0 < pc.batch; b0 += CHUNK) {
        for (uint k = 0u; k < 4u; ++k) { // 1024 values of each operand, 4 per invocation
            const uint e = t + 256u * k, bb = e / TILE, col = e % TILE, b = b0 + bb;
            const bool inBatch = b < pc.batch;
            dzS[bb][col] = inBatch && j0 + col < pc.nOut
                               ? work[pc.dzOffset + b * pc.nOut + j0 + col] : 0.0;
            hS[bb][col] = inBatch && i0 + col < pc.nIn ? hAt(b, i0 + col) : 0.0;
        }
        barrier();
        const uint count = min(CHUNK, pc.batch - b0);
        for (uint bb = 0u; bb < count; ++bb) {
            float dz[4], h[4];
            for (uint a = 0u; a < 4u; ++a) dz[a] = dzS[bb][tj + 16u * a];
            for (uint c = 0u; c < 4u; ++c) h[c] = hS[bb][ti + 16u * c];
            for (uint a = 0u; a < 4u; ++a)
                for (uint c = 0u; c < 4u; ++c) acc[a][c] += dz[a] * h[c];
        }
        barrier();
    }
    for (uint a = 0u; a < 4u; ++a)
        for (uint c = 0u; c < 4u; ++c) {
            const uint j = j0 + tj + 16u * a, i = i0 + ti + 16u * c;
            if (j < pc.nOut && i < pc.nIn) grads[pc.wOffset + i * pc.nOut + j] = acc[a][c];
        }
}
