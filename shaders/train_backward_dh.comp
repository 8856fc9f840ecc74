#version 450
// Backward through one layer to the one below (core/nn/mlp_kernels.inc):
//   dH_{l-1} = W_l^T dZ_l,   dZ_{l-1} = dH_{l-1} * act'(Z_{l-1}).
// Tiled as train_backward_dw.comp: a workgroup of 256 invocations owns a 64 x 64 tile of
// (input i, sample b), each invocation a 4 x 4 block of it (i = ti + 16 a, b = tb + 16 c), and
// chunks of 16 outputs of W and dZ pass through shared memory, so that each value read from
// memory serves 64 products instead of one. Each sum runs over the outputs in order, as a
// plain loop would.
#include "activation.glsl"

layout(local_size_x = 256) in;
layout(std430, set = 0, binding = 0) readonly buffer Params { float params[]; };
layout(std430, set = 0, binding = 1) readonly buffer Acts { float acts[]; };
layout(std430, set = 0, binding = 2) buffer Work { float work[]; };
layout(push_constant) uniform Push {
    uint nIn, nOut, batch, wOffset;
    uint zPrevOffset, dzOffset, dhOffset, act;
} pc;

const uint TILE = 64u;  // inputs and samples per workgroup tile
const uint CHUNK = 16u; // outputs per pass through shared memory
shared float wS[CHUNK][TILE];
shared float dzS[CHUNK][TILE];

void main() {
    const uint t = gl_LocalInvocationID.x;
    const uint tilesI = (pc.nIn + TILE - 1u) / TILE;
    const uint i0 = (gl_WorkGroupID.x % tilesI) * TILE, b0 = (gl_WorkGroupID.x / tilesI) * TILE;
    const uint ti = t % 16u, tb = t / 16u;
    float acc[4][4];
    for (uint a = 0u; a < 4u; ++a)
        for (uint c = 0u; c < 4u; ++c) acc[a][c] = 0.0;
    for (uint j0 = 0u; j0 < pc.nOut; j0 += CHUNK) {
        for (uint k = 0u; k < 4u; ++k) { // 1024 values of each operand, 4 per invocation
            const uint e = t + 256u * k, jj = e % CHUNK, col = e / CHUNK; // both contiguous in j
            const bool inOut = j0 + jj < pc.nOut;
            wS[jj][col] = inOut && i0 + col < pc.nIn
                              ? params[pc.wOffset + (i0 + col) * pc.nOut + j0 + jj] : 0.0;
            dzS[jj][col] = inOut && b0 + col < pc.batch
                               ? work[pc.dzOffset + (b0 + col) * pc.nOut + j0 + jj] : 0.0;
        }
        barrier();
        const uint count = min(CHUNK, pc.nOut - j0);
        for (uint jj = 0u; jj < count; ++jj) {
            float w[4], dz[4];
            for (uint a = 0u; a < 4u; ++a) w[a] = wS[jj][ti + 16u * a];
            for (uint c = 0u; c < 4u; ++c) dz[c] = dzS[jj][tb + 16u * c];
            for (uint a = 0u; a < 4u; ++a)
                for (uint c = 0u; c < 4u; ++c) acc[a][c] += w[a] * dz[c];
        }
        barrier();
    }
    for (uint a = 0u; a < 4u; ++a)
        for (uint c = 0u; c < 4u; ++c) {
            const uint i = i0 + ti + 16u * a, b = b0 + tb + 16u * c;
            if (i >= pc.nIn || b >= pc.batch) continue;
            const uint id = b * pc.nIn + i;
            work[pc.dhOffset + id] =
                acc[a][c] * activateDerivative(pc.act, acts[pc.zPrevOffset + id]);
        }
}
