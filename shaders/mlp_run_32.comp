#version 450
// The fp32 whole-run MLP kernel with 32 particles per workgroup (20 KiB of shared memory, for
// devices with less than 40 KiB, such as lavapipe): shaders/mlp_run_fp32.glsl.
#define MLP_RUN_ROWS 32
#include "mlp_run_fp32.glsl"
