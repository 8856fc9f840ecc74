// The MLP kernels compiled for baseline (flags set in core/CMakeLists.txt).
#include "core/nn/mlp_kernels.hpp"

#define Eigen DfsEigen_baseline
#define DFS_KERNEL_NS baseline
#define DFS_KERNEL_ISA "baseline"
#include "core/nn/mlp_kernels.inc"
