// The interpreter shared by the whole-run MLP kernels (shaders/mlp_run.comp, fp32, and
// shaders/mlp_run_coopmat.comp, cooperative matrices): each workgroup takes ROWS particles,
// keeps them on chip (in shared memory) from the first step to the last, and runs the run's
// traced step programs (core/samplers/step_program.hpp): a Denoise op evaluates the network, a
// Combine op forms sum_k coef_k slot_k + sum_j coef_j z_j with Philox noise (as
// shaders/combine.comp). Only x at the start and at the end touch global memory. Denoise, as
// shaders/mlp_fused.comp (core/denoisers/learned_denoiser.hpp, affine()):
//   x* = ratio (x - alpha mean) / scale,   column = [c_in x*, shared features],
//   F = the network's output,              D = mean + scale (a x* + b F),
// the shared features folded into the first layer's bias by the host (the table).
//
// The includer defines ROWS, SLOT_FLOATS, ROW_PAD, the binding Params (w4, the packed fp32
// weights: per layer, its inputs' rows of 128 columns (zero padded to 128 columns and to a
// multiple of ROW_PAD rows), then a row of biases) and these:
//   void storeInput(uint j, uint r, float v)    the network's input column j of row r
//   void hiddenLayers(uint t, uint ev)          every hidden layer, activated (barriers inside)
//   float lastHidden(uint j, uint r)            an activation of the last hidden layer
//   uint lastOffset()                           the output layer's offset in w4 (floats)
#ifndef DIFFUSCOPE_MLP_RUN_BODY_GLSL
#define DIFFUSCOPE_MLP_RUN_BODY_GLSL
#include "philox.glsl"

shared float slot[SLOT_FLOATS]; // value (s, c) of row r at (s dim + c) ROWS + r

layout(std430, set = 0, binding = 0) buffer X { float xs[]; }; // n x dim
layout(std430, set = 0, binding = 2) readonly buffer Table { float table[]; };
layout(std430, set = 0, binding = 3) readonly buffer Ops { uvec4 ops[]; };
struct Term {
    uint source; // a slot, or a noise substream
    uint noise;  // 1: source is a substream
    float coef;
    float unused;
};
layout(std430, set = 0, binding = 4) readonly buffer Terms { Term terms[]; };
#include "activation.glsl"

layout(push_constant) uniform Push {
    uint n, dim, opCount, xEnd; // xEnd: the slot of x after the last op
    uint layers, act;           // act: 0 SiLU, 1 GELU (tanh form), 2 ReLU
    uint seedLo, seedHi, firstParticle;
    uint evalStride; // floats per evaluation in the table, after the mean (dim floats)
    uint dims[9];    // layer widths, input first
} pc;

/// The run's activation (activation.glsl: 0 SiLU, 1 GELU, 2 ReLU).
float activate(float z) { return activate(pc.act, z); }

/// Rows of a layer with nIn inputs in the packed weights, before its biases.
uint paddedRows(uint nIn) { return (nIn + ROW_PAD - 1) / ROW_PAD * ROW_PAD; }

// The includer's parts (see the header).
void storeInput(uint j, uint r, float v);
void hiddenLayers(uint t, uint ev);
float lastHidden(uint j, uint r);
uint lastOffset();

/// D(slot in) into slot out for evaluation e: the table holds, after the mean, per evaluation
/// ratio alpha invScale cin scale a b (and a pad), then the folded first-layer bias (128).
void denoise(uint t, uint in_, uint out_, uint e) {
    const uint ev = pc.dim + e * pc.evalStride;
    const float ratio = table[ev], alpha = table[ev + 1], invScale = table[ev + 2],
                cin = table[ev + 3], scale = table[ev + 4], a = table[ev + 5], b = table[ev + 6];
    for (uint i = t; i < ROWS * pc.dim; i += gl_WorkGroupSize.x) {
        const uint j = i / ROWS, r = i % ROWS;
        storeInput(j, r,
                   cin * ratio * invScale * (slot[(in_ * pc.dim + j) * ROWS + r] - alpha * table[j]));
    }
    barrier();
    hiddenLayers(t, ev);
    // The output layer (dim outputs: little work), then D.
    const uint off = lastOffset(), nIn = pc.layers == 1 ? pc.dim : pc.dims[pc.layers - 1];
    for (uint i = t; i < ROWS * pc.dim; i += gl_WorkGroupSize.x) {
        const uint j = i / ROWS, r = i % ROWS;
        float f = pc.layers == 1 ? table[ev + 8 + j]
                                 : w4[(off + paddedRows(nIn) * 128 + j) / 4][j % 4];
        for (uint k = 0; k < nIn; ++k) f += lastHidden(k, r) * w4[(off + k * 128 + j) / 4][j % 4];
        const float x = slot[(in_ * pc.dim + j) * ROWS + r];
        const float xn = ratio * (x - alpha * table[j]) * invScale;
        slot[(out_ * pc.dim + j) * ROWS + r] = table[j] + scale * (a * xn + b * f);
    }
    barrier();
}

/// Combine: slot out = sum of the terms (slots and Philox normals at this step).
void combine(uint t, uint base, uint out_, uint first, uint count, uint step) {
    for (uint i = t; i < ROWS * pc.dim; i += gl_WorkGroupSize.x) {
        const uint c = i / ROWS, r = i % ROWS;
        float acc = 0.0;
        for (uint k = 0; k < count; ++k) {
            const Term tm = terms[first + k];
            if (tm.noise != 0u) {
                const vec4 z = philoxNormals4(uvec2(pc.seedLo, pc.seedHi),
                                              pc.firstParticle + base + r, step, tm.source, c / 4u);
                acc += tm.coef * z[c % 4u];
            } else {
                acc += tm.coef * slot[(tm.source * pc.dim + c) * ROWS + r];
            }
        }
        slot[(out_ * pc.dim + c) * ROWS + r] = acc;
    }
    barrier();
}

void main() {
    const uint t = gl_LocalInvocationID.x;
    const uint base = gl_WorkGroupID.x * ROWS;
    // x into slot 0, the previous prediction (slot 1) starts at 0.
    for (uint i = t; i < ROWS * pc.dim; i += gl_WorkGroupSize.x) {
        const uint c = i / ROWS, r = i % ROWS;
        slot[c * ROWS + r] = base + r < pc.n ? xs[(base + r) * pc.dim + c] : 0.0;
        slot[(pc.dim + c) * ROWS + r] = 0.0;
    }
    barrier();
    // Ops: Denoise (0, in, out, evaluation), Combine (1 + 2 step, out, first term, terms).
    for (uint o = 0; o < pc.opCount; ++o) {
        const uvec4 op = ops[o];
        if (op.x == 0u)
            denoise(t, op.y, op.z, op.w);
        else
            combine(t, base, op.y, op.z, op.w, op.x >> 1);
    }
    for (uint i = t; i < ROWS * pc.dim; i += gl_WorkGroupSize.x) {
        const uint c = i / ROWS, r = i % ROWS;
        if (base + r < pc.n) xs[(base + r) * pc.dim + c] = slot[(pc.xEnd * pc.dim + c) * ROWS + r];
    }
}

#endif
