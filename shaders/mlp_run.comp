#version 450
// The fp32 whole-run MLP kernel with 64 particles per workgroup (40 KiB of shared memory):
// shaders/mlp_run_fp32.glsl.
#define MLP_RUN_ROWS 64
#include "mlp_run_fp32.glsl"
