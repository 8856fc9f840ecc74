// The host's mirrors of the shaders' structs (core/vulkan/shader_structs.hpp) against the
// shaders' SPIR-V: member for member the same names, order, offsets and types, and the same
// size; and every shader with a push-constant block has a mirror. Needs no device.
#include "core/backend/train_device.hpp"
#include "core/vulkan/shader_structs.hpp"
#include "core/vulkan/spirv.hpp"
#include "spirv_layout.hpp"

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstring>
#include <type_traits>
#include <vector>

using namespace dfs::vk;

namespace {

template <typename T> constexpr Scalar scalarOf() {
    if constexpr (std::is_same_v<T, std::uint32_t>) return Scalar::U32;
    if constexpr (std::is_same_v<T, std::int32_t>) return Scalar::I32;
    if constexpr (std::is_same_v<T, float>) return Scalar::F32;
    return Scalar::Other;
}

/// A C++ member of type T at `offset`, as the SPIR-V reader describes a shader's.
template <typename T> MemberLayout member(const char* name, std::size_t offset) {
    using Element = std::remove_extent_t<T>;
    return {name, std::uint32_t(offset), scalarOf<Element>(),
            std::is_array_v<T> ? std::uint32_t(std::extent_v<T>) : 1u};
}
#define MEMBER(S, m) member<decltype(S::m)>(#m, offsetof(S, m))

struct Mirror {
    const char* shader;     ///< shaders/<shader>.comp
    const char* structName; ///< null: the push-constant block; else the struct of that name
    StructLayout layout;
};

/// Where a host struct with these members mirrors a shader's.
template <typename S>
Mirror mirror(const char* shader, const char* structName, std::vector<MemberLayout> members) {
    static_assert(std::is_standard_layout_v<S> && std::is_trivially_copyable_v<S>);
    return {shader, structName, {std::move(members), std::uint32_t(sizeof(S)), 0}};
}

/// The three whole-run MLP kernels share one push-constant block (mlp_run_body.glsl).
Mirror mlpRunMirror(const char* shader) {
    return mirror<MlpRunPush>(
        shader, nullptr,
        {MEMBER(MlpRunPush, n), MEMBER(MlpRunPush, dim), MEMBER(MlpRunPush, opCount),
         MEMBER(MlpRunPush, xEnd), MEMBER(MlpRunPush, layers), MEMBER(MlpRunPush, act),
         MEMBER(MlpRunPush, seedLo), MEMBER(MlpRunPush, seedHi), MEMBER(MlpRunPush, firstParticle),
         MEMBER(MlpRunPush, evalStride), MEMBER(MlpRunPush, dims)});
}

const std::vector<Mirror>& mirrors() {
    static const std::vector<Mirror> all = {
        mirror<IdealPush>("ideal_denoise", nullptr,
                          {MEMBER(IdealPush, n), MEMBER(IdealPush, m), MEMBER(IdealPush, offset),
                           MEMBER(IdealPush, alpha), MEMBER(IdealPush, invTwoSigma2),
                           MEMBER(IdealPush, xBase), MEMBER(IdealPush, dBase)}),
        mirror<GmmPush>("gmm_denoise", nullptr,
                        {MEMBER(GmmPush, k), MEMBER(GmmPush, m), MEMBER(GmmPush, stride),
                         MEMBER(GmmPush, offset), MEMBER(GmmPush, table), MEMBER(GmmPush, xBase),
                         MEMBER(GmmPush, dBase)}),
        mirror<MlpPush>("mlp_layer", nullptr,
                        {MEMBER(MlpPush, nIn), MEMBER(MlpPush, nOut), MEMBER(MlpPush, batch),
                         MEMBER(MlpPush, offset), MEMBER(MlpPush, act)}),
        mirror<MlpInputPush>("mlp_input", nullptr,
                             {MEMBER(MlpInputPush, n), MEMBER(MlpInputPush, dim),
                              MEMBER(MlpInputPush, inDim), MEMBER(MlpInputPush, features),
                              MEMBER(MlpInputPush, stride), MEMBER(MlpInputPush, xSlot),
                              MEMBER(MlpInputPush, ratio), MEMBER(MlpInputPush, alpha),
                              MEMBER(MlpInputPush, invScale), MEMBER(MlpInputPush, cin)}),
        mirror<MlpFusedPush>(
            "mlp_fused", nullptr,
            {MEMBER(MlpFusedPush, n), MEMBER(MlpFusedPush, dim), MEMBER(MlpFusedPush, stride),
             MEMBER(MlpFusedPush, xSlot), MEMBER(MlpFusedPush, dSlot),
             MEMBER(MlpFusedPush, features), MEMBER(MlpFusedPush, layers),
             MEMBER(MlpFusedPush, act), MEMBER(MlpFusedPush, ratio), MEMBER(MlpFusedPush, alpha),
             MEMBER(MlpFusedPush, invScale), MEMBER(MlpFusedPush, cin), MEMBER(MlpFusedPush, scale),
             MEMBER(MlpFusedPush, a), MEMBER(MlpFusedPush, b), MEMBER(MlpFusedPush, dims)}),
        mlpRunMirror("mlp_run"),
        mlpRunMirror("mlp_run_32"),
        mlpRunMirror("mlp_run_coopmat"),
        mirror<MlpOutputPush>("mlp_output", nullptr,
                              {MEMBER(MlpOutputPush, n), MEMBER(MlpOutputPush, dim),
                               MEMBER(MlpOutputPush, stride), MEMBER(MlpOutputPush, xSlot),
                               MEMBER(MlpOutputPush, dSlot), MEMBER(MlpOutputPush, ratio),
                               MEMBER(MlpOutputPush, alpha), MEMBER(MlpOutputPush, invScale),
                               MEMBER(MlpOutputPush, scale), MEMBER(MlpOutputPush, a),
                               MEMBER(MlpOutputPush, b)}),
        mirror<CombinePush>("combine", nullptr,
                            {MEMBER(CombinePush, n), MEMBER(CombinePush, dim),
                             MEMBER(CombinePush, stride), MEMBER(CombinePush, outSlot),
                             MEMBER(CombinePush, firstTerm), MEMBER(CombinePush, termCount),
                             MEMBER(CombinePush, seedLo), MEMBER(CombinePush, seedHi),
                             MEMBER(CombinePush, step), MEMBER(CombinePush, firstParticle)}),
        mirror<Term>(
            "combine", "Term",
            {MEMBER(Term, source), MEMBER(Term, noise), MEMBER(Term, coef), MEMBER(Term, unused)}),
        mirror<SplatPush>("splat", nullptr,
                          {MEMBER(SplatPush, n), MEMBER(SplatPush, dim), MEMBER(SplatPush, nx),
                           MEMBER(SplatPush, ny), MEMBER(SplatPush, offset), MEMBER(SplatPush, x0),
                           MEMBER(SplatPush, y0), MEMBER(SplatPush, sx), MEMBER(SplatPush, sy)}),
        mirror<EmbeddingPush>("embedding_check", nullptr,
                              {MEMBER(EmbeddingPush, n), MEMBER(EmbeddingPush, freqCount)}),
        mirror<PhiloxPush>("philox_check", nullptr,
                           {MEMBER(PhiloxPush, seedLo), MEMBER(PhiloxPush, seedHi),
                            MEMBER(PhiloxPush, step), MEMBER(PhiloxPush, substream),
                            MEMBER(PhiloxPush, block), MEMBER(PhiloxPush, count)}),
        mirror<TrainForwardPush>(
            "train_forward", nullptr,
            {MEMBER(TrainForwardPush, nIn), MEMBER(TrainForwardPush, nOut),
             MEMBER(TrainForwardPush, batch), MEMBER(TrainForwardPush, wOffset),
             MEMBER(TrainForwardPush, fromInput), MEMBER(TrainForwardPush, hOffset),
             MEMBER(TrainForwardPush, zOffset), MEMBER(TrainForwardPush, act)}),
        mirror<TrainDrawPush>("train_draw", nullptr,
                              {MEMBER(TrainDrawPush, n), MEMBER(TrainDrawPush, dim),
                               MEMBER(TrainDrawPush, inDim), MEMBER(TrainDrawPush, freqCount),
                               MEMBER(TrainDrawPush, classes), MEMBER(TrainDrawPush, steps),
                               MEMBER(TrainDrawPush, firstStep), MEMBER(TrainDrawPush, seedLo),
                               MEMBER(TrainDrawPush, seedHi), MEMBER(TrainDrawPush, substream)}),
        mirror<dfs::SampleDraw>("train_draw", "SampleDraw",
                                {MEMBER(dfs::SampleDraw, row), MEMBER(dfs::SampleDraw, label),
                                 MEMBER(dfs::SampleDraw, inX0), MEMBER(dfs::SampleDraw, inEps),
                                 MEMBER(dfs::SampleDraw, targetX0),
                                 MEMBER(dfs::SampleDraw, targetEps),
                                 MEMBER(dfs::SampleDraw, weight), MEMBER(dfs::SampleDraw, angleHi),
                                 MEMBER(dfs::SampleDraw, angleLo)}),
        mirror<TrainLossPush>("train_loss", nullptr,
                              {MEMBER(TrainLossPush, dim), MEMBER(TrainLossPush, batch),
                               MEMBER(TrainLossPush, zOffset), MEMBER(TrainLossPush, targetOffset),
                               MEMBER(TrainLossPush, weightOffset), MEMBER(TrainLossPush, norm),
                               MEMBER(TrainLossPush, outOffset)}),
        mirror<TrainBackwardDhPush>(
            "train_backward_dh", nullptr,
            {MEMBER(TrainBackwardDhPush, nIn), MEMBER(TrainBackwardDhPush, nOut),
             MEMBER(TrainBackwardDhPush, batch), MEMBER(TrainBackwardDhPush, wOffset),
             MEMBER(TrainBackwardDhPush, zPrevOffset), MEMBER(TrainBackwardDhPush, dzOffset),
             MEMBER(TrainBackwardDhPush, dhOffset), MEMBER(TrainBackwardDhPush, act)}),
        mirror<TrainBackwardDwPush>(
            "train_backward_dw", nullptr,
            {MEMBER(TrainBackwardDwPush, nIn), MEMBER(TrainBackwardDwPush, nOut),
             MEMBER(TrainBackwardDwPush, batch), MEMBER(TrainBackwardDwPush, wOffset),
             MEMBER(TrainBackwardDwPush, fromInput), MEMBER(TrainBackwardDwPush, hOffset),
             MEMBER(TrainBackwardDwPush, dzOffset)}),
        mirror<SumSquaresPush>("sum_squares", nullptr, {MEMBER(SumSquaresPush, n)}),
        mirror<NormTotalPush>("norm_total", nullptr,
                              {MEMBER(NormTotalPush, count), MEMBER(NormTotalPush, slot)}),
        mirror<AdamPush>("adam", nullptr,
                         {MEMBER(AdamPush, n), MEMBER(AdamPush, b1), MEMBER(AdamPush, b2),
                          MEMBER(AdamPush, stepSize), MEMBER(AdamPush, decay),
                          MEMBER(AdamPush, eps), MEMBER(AdamPush, rbc2), MEMBER(AdamPush, maxNorm),
                          MEMBER(AdamPush, keep), MEMBER(AdamPush, slot)}),
    };
    return all;
}

const SpirvModule* find(std::span<const SpirvModule* const> modules, const char* name) {
    for (const SpirvModule* m : modules)
        if (std::strcmp(m->name, name) == 0) return m;
    return nullptr;
}

} // namespace

TEST_CASE("vulkan: every host mirror of a shader struct has the shader's names, order, offsets, "
          "types and size",
          "[vulkan]") {
    for (const Mirror& mirror : mirrors()) {
        INFO("shaders/" << mirror.shader << ".comp, "
                        << (mirror.structName ? mirror.structName : "push constants"));
        const SpirvModule* module = find(spirvModulesWithNames(), mirror.shader);
        REQUIRE(module != nullptr);
        const auto shader = mirror.structName ? structLayout(*module, mirror.structName)
                                              : pushConstantLayout(*module);
        REQUIRE(shader);
        // Names, order, offsets, types, and the size (a push-constant range covers the block).
        CHECK(describe(*shader) == describe(mirror.layout));
        if (mirror.structName) CHECK(shader->arrayStride == mirror.layout.size);
    }
}

TEST_CASE("vulkan: every shader's push-constant block has a host mirror, and the kernel has the "
          "block the mirror was checked against",
          "[vulkan]") {
    const auto named = spirvModulesWithNames();
    REQUIRE(named.size() == spirvModules().size());
    REQUIRE(named.size() >= 15);
    for (const SpirvModule* module : named) {
        INFO("shaders/" << module->name << ".comp");
        const auto block = pushConstantLayout(*module);
        if (!block) continue;
        bool mirrored = false;
        for (const Mirror& m : mirrors())
            mirrored = mirrored || (!m.structName && std::strcmp(m.shader, module->name) == 0);
        CHECK(mirrored);
        // The optimised kernel drops the names but keeps the layout.
        const SpirvModule* kernel = find(spirvModules(), module->name);
        REQUIRE(kernel != nullptr);
        auto kernelBlock = pushConstantLayout(*kernel);
        REQUIRE(kernelBlock);
        StructLayout unnamed = *block;
        for (MemberLayout& member : unnamed.members) member.name.clear();
        for (MemberLayout& member : kernelBlock->members) member.name.clear();
        CHECK(kernelBlock->members == unnamed.members);
        CHECK(kernelBlock->size == block->size);
    }
}
