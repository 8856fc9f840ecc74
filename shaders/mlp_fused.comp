#version 450
// The learned denoiser's whole MLP in one dispatch, from x in one slot to D in another
// (core/denoisers/learned_denoiser.hpp, affine()):
//   x* = ratio (x - alpha mean) / scale,   column = [c_in x*, shared features],
//   F = the network's output,              D = mean + scale (a x* + b F).
// The features (noise embedding, class one-hot) are the same for every sample, so their part of
// the first layer is folded into its bias by the host: b' = b + W_features f, at `features` in
// the table, and the first layer multiplies only the dim columns of c_in x*.
// A workgroup holds 64 samples' activations in shared memory for all layers; each invocation
// accumulates an 8-sample x 4-output block in registers, so every weight it reads feeds 8
// multiply-adds and every activation 4 (a register-tiled GEMM per layer). Weights are read
// column-major as the CPU kernels lay them out (core/nn/mlp_kernels.inc): W (nOut x nIn) at the
// layer's offset, then b; consecutive invocations read consecutive outputs' weights. Layers of
// up to 128 units; wider networks use shaders/mlp_layer.comp.
#include "activation.glsl"

layout(local_size_x = 256) in;

const uint ROWS = 64;   // samples per workgroup
const uint WIDTH = 128; // widest layer
const uint RB = 8;      // samples per invocation: (ROWS / RB) = 8 row groups ...
const uint CB = 4;      // ... x 32 column lanes, each CB outputs 32 apart
shared float act[ROWS * WIDTH];

layout(std430, set = 0, binding = 0) buffer Slots { float s[]; };
layout(std430, set = 0, binding = 1) readonly buffer Params { float params[]; };
layout(std430, set = 0, binding = 2) readonly buffer Table { float table[]; }; // mean, features
layout(push_constant) uniform Push {
    uint n, dim, stride, xSlot, dSlot; // slots of `stride` floats, n x dim each
    uint features;                     // this level's folded first-layer bias in the table
    uint layers, act;                  // act: 0 SiLU, 1 GELU (tanh form), 2 ReLU
    float ratio, alpha, invScale, cin, scale, a, b;
    uint dims[9]; // layer widths, input first
} pc;

void main() {
    const uint t = gl_LocalInvocationID.x;
    const uint base = gl_WorkGroupID.x * ROWS;
    const uint rg = t / 32, lane = t % 32;

    // The network's input columns c_in x* (the features are in the first bias).
    for (uint i = t; i < ROWS * pc.dim; i += 256) {
        const uint r = i / pc.dim, j = i % pc.dim, row = base + r;
        act[r * WIDTH + j] = row < pc.n ? pc.cin * pc.ratio * pc.invScale *
                                              (s[pc.xSlot * pc.stride + row * pc.dim + j] -
                                               pc.alpha * table[j])
                                        : 0.0;
    }
    barrier();

    uint offset = 0;
    for (uint l = 0; l < pc.layers; ++l) {
        const uint nIn = pc.dims[l], nOut = pc.dims[l + 1];
        float acc[RB][CB];
        for (uint c = 0; c < CB; ++c) {
            const uint j = lane + 32 * c;
            float bias = 0.0;
            if (j < nOut) bias = l == 0 ? table[pc.features + j] : params[offset + nOut * nIn + j];
            for (uint r = 0; r < RB; ++r) acc[r][c] = bias;
        }
        const uint kEnd = l == 0 ? pc.dim : nIn;
        for (uint k = 0; k < kEnd; ++k) {
            float w[CB];
            for (uint c = 0; c < CB; ++c) {
                const uint j = lane + 32 * c;
                w[c] = j < nOut ? params[offset + k * nOut + j] : 0.0;
            }
            for (uint r = 0; r < RB; ++r) {
                const float h = act[(rg * RB + r) * WIDTH + k];
                for (uint c = 0; c < CB; ++c) acc[r][c] += h * w[c];
            }
        }
        offset += nOut * (nIn + 1);
        barrier(); // every invocation has read this layer's input
        if (l + 1 < pc.layers) {
            for (uint r = 0; r < RB; ++r)
                for (uint c = 0; c < CB; ++c) {
                    const uint j = lane + 32 * c;
                    if (j < nOut) act[(rg * RB + r) * WIDTH + j] = activate(pc.act, acc[r][c]);
                }
            barrier();
        } else {
            for (uint r = 0; r < RB; ++r) {
                const uint row = base + rg * RB + r;
                for (uint c = 0; c < CB; ++c) {
                    const uint j = lane + 32 * c;
                    if (row >= pc.n || j >= pc.dim) continue;
                    const uint id = row * pc.dim + j;
                    const float xs =
                        pc.ratio * (s[pc.xSlot * pc.stride + id] - pc.alpha * table[j]) * pc.invScale;
                    s[pc.dSlot * pc.stride + id] = table[j] + pc.scale * (pc.a * xs + pc.b * acc[r][c]);
                }
            }
        }
    }
}
