// The MLP kernels compiled for x86-64-v4 (flags set in core/CMakeLists.txt).
#include "core/nn/mlp_kernels.hpp"

#define Eigen DfsEigen_v4
#define DFS_KERNEL_NS v4
#define DFS_KERNEL_ISA "x86-64-v4"
#include "core/nn/mlp_kernels.inc"
