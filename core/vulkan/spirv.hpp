// Compute shaders compiled from shaders/*.comp at build time and embedded as SPIR-V bytes.
#pragma once

#include <cstddef>

namespace dfs::vk {

struct SpirvModule {
    const char* name;
    const unsigned char* bytes;
    std::size_t size;
};

extern const SpirvModule kSpirv_ideal_denoise;     ///< shaders/ideal_denoise.comp
extern const SpirvModule kSpirv_gmm_denoise;       ///< shaders/gmm_denoise.comp
extern const SpirvModule kSpirv_philox_check;      ///< shaders/philox_check.comp
extern const SpirvModule kSpirv_mlp_layer;         ///< shaders/mlp_layer.comp
extern const SpirvModule kSpirv_mlp_input;         ///< shaders/mlp_input.comp
extern const SpirvModule kSpirv_mlp_output;        ///< shaders/mlp_output.comp
extern const SpirvModule kSpirv_mlp_fused;         ///< shaders/mlp_fused.comp
extern const SpirvModule kSpirv_mlp_run;           ///< shaders/mlp_run.comp
extern const SpirvModule kSpirv_mlp_run_32;        ///< shaders/mlp_run_32.comp
extern const SpirvModule kSpirv_mlp_run_coopmat;   ///< shaders/mlp_run_coopmat.comp (NV form)
extern const SpirvModule kSpirv_splat;             ///< shaders/splat.comp
extern const SpirvModule kSpirv_combine;           ///< shaders/combine.comp
extern const SpirvModule kSpirv_train_forward;     ///< shaders/train_forward.comp
extern const SpirvModule kSpirv_train_loss;        ///< shaders/train_loss.comp
extern const SpirvModule kSpirv_train_backward_dw; ///< shaders/train_backward_dw.comp
extern const SpirvModule kSpirv_train_backward_dh; ///< shaders/train_backward_dh.comp
extern const SpirvModule kSpirv_sum_squares;       ///< shaders/sum_squares.comp
extern const SpirvModule kSpirv_adam;              ///< shaders/adam.comp

} // namespace dfs::vk
