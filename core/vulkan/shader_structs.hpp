// The host's mirrors of the shaders' structs: every push-constant block (and the one struct the
// host writes into a storage buffer), member for member in the shader's order. Push constants and
// std430 lay out 32-bit scalars and arrays of them at 4-byte steps, as C++ does, so a plain struct
// of std::uint32_t and float matches; tests/vulkan/test_shader_layouts.cpp checks each against
// the SPIR-V's offsets, types and member names.
//
// Plain scalars rather than glm's GLSL-like types: no member is a vector or matrix, and glm's
// vec3 (12 bytes, 4-aligned) would not follow std430's 16-byte alignment anyway.
#pragma once

#include <cstdint>

namespace dfs::vk {

/// act in the MLP shaders (shaders/activation.glsl): 0 SiLU, 1 GELU, 2 ReLU as
/// dfs::Activation, and this for the output layer.
constexpr std::uint32_t kNoActivation = 3;

struct IdealPush { // shaders/ideal_denoise.comp
    std::uint32_t n, m, offset;
    float alpha, invTwoSigma2;
    std::uint32_t xBase, dBase;
};
struct GmmPush { // shaders/gmm_denoise.comp
    std::uint32_t k, m, stride, offset, table, xBase, dBase;
};
struct MlpPush { // shaders/mlp_layer.comp
    std::uint32_t nIn, nOut, batch, offset, act;
};
struct MlpInputPush { // shaders/mlp_input.comp
    std::uint32_t n, dim, inDim, features, stride, xSlot;
    float ratio, alpha, invScale, cin;
};
struct MlpFusedPush { // shaders/mlp_fused.comp
    std::uint32_t n, dim, stride, xSlot, dSlot, features, layers, act;
    float ratio, alpha, invScale, cin, scale, a, b;
    std::uint32_t dims[9];
};
struct MlpOutputPush { // shaders/mlp_output.comp
    std::uint32_t n, dim, stride, xSlot, dSlot;
    float ratio, alpha, invScale, scale, a, b;
};

struct CombinePush { // shaders/combine.comp
    std::uint32_t n, dim, stride, outSlot, firstTerm, termCount, seedLo, seedHi, step,
        firstParticle;
};
struct MlpRunPush { // shaders/mlp_run.comp, mlp_run_32.comp, mlp_run_coopmat.comp
    std::uint32_t n, dim, opCount, xEnd, layers, act, seedLo, seedHi, firstParticle, evalStride;
    std::uint32_t dims[9];
};
struct Term { // shaders/combine.comp and mlp_run*.comp, the elements of their Terms buffers
    std::uint32_t source, noise;
    float coef, unused;
};

struct SplatPush { // shaders/splat.comp
    std::uint32_t n, dim, nx, ny, offset;
    float x0, y0, sx, sy;
};
struct EmbeddingPush { // shaders/embedding_check.comp
    std::uint32_t n, freqCount;
};
struct PhiloxPush { // shaders/philox_check.comp
    std::uint32_t seedLo, seedHi, step, substream, block, count;
};

struct TrainForwardPush { // shaders/train_forward.comp
    std::uint32_t nIn, nOut, batch, wOffset, fromInput, hOffset, zOffset, act;
};
struct TrainDrawPush { // shaders/train_draw.comp
    std::uint32_t n, dim, inDim, freqCount, classes, steps, firstStep, seedLo, seedHi, substream;
};
struct TrainLossPush { // shaders/train_loss.comp
    std::uint32_t dim, batch, zOffset, targetOffset, weightOffset;
    float norm;
    std::uint32_t outOffset;
};
struct TrainBackwardDhPush { // shaders/train_backward_dh.comp
    std::uint32_t nIn, nOut, batch, wOffset, zPrevOffset, dzOffset, dhOffset, act;
};
struct TrainBackwardDwPush { // shaders/train_backward_dw.comp
    std::uint32_t nIn, nOut, batch, wOffset, fromInput, hOffset, dzOffset;
};
struct SumSquaresPush { // shaders/sum_squares.comp
    std::uint32_t n;
};
struct NormTotalPush { // shaders/norm_total.comp
    std::uint32_t count, slot;
};
struct AdamPush { // shaders/adam.comp
    std::uint32_t n;
    float b1, b2, stepSize, decay, eps, rbc2, maxNorm, keep;
    std::uint32_t slot;
};

} // namespace dfs::vk
