// The MLP kernels compiled for x86-64-v3 (flags set in core/CMakeLists.txt).
#include "core/nn/mlp_kernels.hpp"

#define Eigen DfsEigen_v3
#define DFS_KERNEL_NS v3
#define DFS_KERNEL_ISA "x86-64-v3"
#include "core/nn/mlp_kernels.inc"
