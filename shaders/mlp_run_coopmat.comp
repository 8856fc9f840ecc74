#version 450
// A whole sampler run of the learned MLP in one dispatch with the hidden layers on cooperative
// matrices: fp16 inputs and weights, fp32 accumulation (host: core/vulkan/mlp_run.cpp; the
// interpreter of the run's ops: mlp_run_body.glsl). Written against GL_NV_cooperative_matrix,
// the form this project's glslc compiles; core/vulkan/coopmat_spirv.cpp rewrites the module to
// SPV_KHR_cooperative_matrix for devices with VK_KHR_cooperative_matrix.
//
// 32 particles per workgroup of four subgroups of 32. The first hidden layer (dim inputs) and
// the output layer are fp32 scalar code; every other hidden layer is a 32 x 128 product: each
// subgroup holds a 16-row x 64-column block as eight 16 x 8 fp32 accumulators, and per 16 inputs
// multiplies one 16 x 16 fp16 tile of activations (shared memory) by eight 16 x 8 fp16 tiles of
// weights (the packed fp16 copy, through the L1 cache). The accumulators go to shared memory,
// where the bias and the activation are applied in fp32, kept in fp32 (for the output layer)
// and rounded to fp16 (the next product's input).
#extension GL_NV_cooperative_matrix : require
#extension GL_KHR_memory_scope_semantics : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_EXT_shader_16bit_storage : require
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_EXT_control_flow_attributes : require

layout(local_size_x = 128) in;

const uint ROWS = 32;          // particles per workgroup
const uint WIDTH = 128;        // widest layer (the packed weights' columns)
const uint AS = WIDTH + 8;     // row stride of a16 (fp16), 16-byte aligned, off the banks' period
const uint CS = WIDTH + 4;     // row stride of accS (fp32)
const uint SLOT_FLOATS = 1024; // slots x dim x ROWS (the host checks slots x dim <= 32)
const uint ROW_PAD = 16;       // the products' K tile
shared float16_t a16[ROWS * AS]; // activations, row-major, fp16
shared float accS[ROWS * CS];    // the same in fp32 (and the network's input columns)

layout(std430, set = 0, binding = 1) readonly buffer Params { vec4 w4[]; };
layout(std430, set = 0, binding = 5) readonly buffer Params16 { float16_t w16[]; };

#include "mlp_run_body.glsl"

void storeInput(uint j, uint r, float v) { accS[r * CS + j] = v; }
float lastHidden(uint j, uint r) { return accS[r * CS + j]; }
uint lastOffset() {
    uint off = 0;
    for (uint l = 0; l + 1 < pc.layers; ++l) off += (paddedRows(pc.dims[l]) + 1) * WIDTH;
    return off;
}

/// Stores activate(z) of column j, row r as the next layer's input (fp32 and fp16).
void keep(uint r, uint j, float z) {
    const float v = activate(z);
    accS[r * CS + j] = v;
    a16[r * AS + j] = float16_t(v);
}

void hiddenLayers(uint t, uint ev) {
    if (pc.layers < 2) return; // no hidden layer: the output layer reads the input columns
    // The first hidden layer, fp32: column j = t of every row, from the dim input columns; its
    // bias (with the shared features folded in) is the table's.
    float z[ROWS];
    const float bias = table[ev + 8 + t];
    [[unroll]] for (uint r = 0; r < ROWS; ++r) z[r] = bias;
    for (uint k = 0; k < pc.dim; ++k) {
        const float w = w4[(k * WIDTH + t) / 4][t % 4];
        [[unroll]] for (uint r = 0; r < ROWS; ++r) z[r] += accS[r * CS + k] * w;
    }
    barrier(); // every invocation has read the input columns
    [[unroll]] for (uint r = 0; r < ROWS; ++r) keep(r, t, z[r]);
    barrier();
    uint off = (paddedRows(pc.dims[0]) + 1) * WIDTH;

    const uint m = gl_SubgroupID & 1u, h = gl_SubgroupID >> 1; // rows 16 m.., columns 64 h..
    for (uint l = 1; l + 1 < pc.layers; ++l) {
        const uint kEnd = paddedRows(pc.dims[l]);
        fcoopmatNV<32, gl_ScopeSubgroup, 16, 8> c[8];
        [[unroll]] for (uint n = 0; n < 8; ++n) c[n] = fcoopmatNV<32, gl_ScopeSubgroup, 16, 8>(0.0);
        for (uint k0 = 0; k0 < kEnd; k0 += 16) {
            fcoopmatNV<16, gl_ScopeSubgroup, 16, 16> a;
            coopMatLoadNV(a, a16, m * 16 * AS + k0, AS, false);
            [[unroll]] for (uint n = 0; n < 8; ++n) {
                fcoopmatNV<16, gl_ScopeSubgroup, 16, 8> b;
                coopMatLoadNV(b, w16, off + k0 * WIDTH + h * 64 + n * 8, WIDTH, false);
                c[n] = coopMatMulAddNV(a, b, c[n]);
            }
        }
        // No invocation reads accS during the products: the last reads were before a barrier.
        [[unroll]] for (uint n = 0; n < 8; ++n)
            coopMatStoreNV(c[n], accS, m * 16 * CS + h * 64 + n * 8, CS, false);
        barrier();
        const uint biasAt = off + kEnd * WIDTH;
        for (uint i = t; i < ROWS * WIDTH; i += gl_WorkGroupSize.x) {
            const uint r = i / WIDTH, j = i % WIDTH;
            keep(r, j, accS[r * CS + j] + w4[(biasAt + j) / 4][j % 4]);
        }
        barrier();
        off += (kEnd + 1) * WIDTH;
    }
}
