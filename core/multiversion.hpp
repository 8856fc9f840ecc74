// DFS_MULTIVERSION: compile a hot loop for x86-64-v4 (AVX-512), v3 (AVX2/FMA) and the baseline,
// and let the loader pick the widest the CPU has (GCC target_clones), so one build runs on every
// x86-64 machine at its best speed. Elsewhere (other compilers or architectures) it is empty.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define DFS_MULTIVERSION                                                                           \
    __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define DFS_MULTIVERSION
#endif
