// A whole sampler run of the learned MLP in one dispatch, fp32 (host: core/vulkan/mlp_run.cpp;
// the interpreter of the run's ops: mlp_run_body.glsl), MLP_RUN_ROWS particles per workgroup
// (shaders/mlp_run.comp: 64, shaders/mlp_run_32.comp: 32, for devices with less than 40 KiB of
// shared memory, such as lavapipe).
//
// A hidden layer is a register-tiled GEMM: 2 MLP_RUN_ROWS invocations, each an 8-row x 8-column
// block of the MLP_RUN_ROWS x 128 output, so each step of the sum loads two vec4 of activations (shared memory,
// broadcast within a warp) and two vec4 of weights (the L1 cache; 16 lanes read 256 contiguous
// bytes) for 64 multiply-adds. Weights are packed by the host as 128 columns per input row
// (zero padded), then 128 biases, per layer. Activations are stored feature-major, act[k][row],
// with the row blocks of each feature swizzled so that the layer's stores spread over the banks.
#ifndef DIFFUSCOPE_MLP_RUN_FP32_GLSL
#define DIFFUSCOPE_MLP_RUN_FP32_GLSL
#extension GL_EXT_control_flow_attributes : require

layout(local_size_x = 2 * MLP_RUN_ROWS) in;

const uint ROWS = MLP_RUN_ROWS; // particles per workgroup
const uint WIDTH = 128;        // widest layer (the packed weights' columns)
const uint QUADS = ROWS / 4;   // vec4 row blocks of one feature
const uint SLOT_FLOATS = 32 * ROWS; // slots x dim x ROWS (the host checks slots x dim <= 32)
const uint ROW_PAD = 1;
shared vec4 act[WIDTH * QUADS];

layout(std430, set = 0, binding = 1) readonly buffer Params { vec4 w4[]; };

#include "mlp_run_body.glsl"

/// The vec4 holding rows 4q..4q+3 of feature j (swizzled: see the header).
uint quad(uint j, uint q) { return j * QUADS + (q ^ ((j >> 2) & 7u)); }
void storeInput(uint j, uint r, float v) { act[quad(j, r / 4)][r % 4] = v; }
float lastHidden(uint j, uint r) { return act[quad(j, r / 4)][r % 4]; }
uint lastOffset() {
    uint off = 0;
    for (uint l = 0; l + 1 < pc.layers; ++l) off += (paddedRows(pc.dims[l]) + 1) * WIDTH;
    return off;
}

/// One hidden layer: act (nIn features) -> activate(W act + bias) (128 features, padded).
void hiddenLayer(uint t, uint off, uint nIn, uint biasAt, bool biasInTable) {
    const uint rg = t / 16, cg = t % 16; // rows 8 rg.., columns 4 cg.. and 64 + 4 cg..
    vec4 acc[8][2];
    const vec4 b0 = biasInTable ? vec4(table[biasAt + 4 * cg], table[biasAt + 4 * cg + 1],
                                       table[biasAt + 4 * cg + 2], table[biasAt + 4 * cg + 3])
                                : w4[biasAt / 4 + cg];
    const vec4 b1 = biasInTable
                        ? vec4(table[biasAt + 64 + 4 * cg], table[biasAt + 65 + 4 * cg],
                               table[biasAt + 66 + 4 * cg], table[biasAt + 67 + 4 * cg])
                        : w4[biasAt / 4 + 16 + cg];
    [[unroll]] for (uint r = 0; r < 8; ++r) acc[r][0] = b0, acc[r][1] = b1;
    uint wq = off / 4;
    for (uint k = 0; k < nIn; ++k, wq += WIDTH / 4) {
        const vec4 w0 = w4[wq + cg], w1 = w4[wq + 16 + cg];
        const vec4 a0 = act[quad(k, 2 * rg)], a1 = act[quad(k, 2 * rg + 1)];
        [[unroll]] for (uint r = 0; r < 4; ++r) {
            acc[r][0] += a0[r] * w0;
            acc[r][1] += a0[r] * w1;
            acc[r + 4][0] += a1[r] * w0;
            acc[r + 4][1] += a1[r] * w1;
        }
    }
    barrier(); // every invocation has read this layer's input
    [[unroll]] for (uint h = 0; h < 2; ++h)
        [[unroll]] for (uint c = 0; c < 4; ++c) {
            const uint j = 64 * h + 4 * cg + c;
            act[quad(j, 2 * rg)] = vec4(activate(acc[0][h][c]), activate(acc[1][h][c]),
                                        activate(acc[2][h][c]), activate(acc[3][h][c]));
            act[quad(j, 2 * rg + 1)] = vec4(activate(acc[4][h][c]), activate(acc[5][h][c]),
                                            activate(acc[6][h][c]), activate(acc[7][h][c]));
        }
    barrier();
}

void hiddenLayers(uint t, uint ev) {
    uint off = 0;
    for (uint l = 0; l + 1 < pc.layers; ++l) {
        const uint nIn = pc.dims[l];
        if (l == 0) // the first layer reads only the dim columns of x; its bias is the table's
            hiddenLayer(t, off, pc.dim, ev + 8, true);
        else
            hiddenLayer(t, off, nIn, off + nIn * WIDTH, false);
        off += (nIn + 1) * WIDTH;
    }
}

#endif
