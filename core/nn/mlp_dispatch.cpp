// Sizes of the MLP's buffers and the run-time choice of kernel variant.
#include "core/nn/mlp_kernels.hpp"

#include <cstdlib>
#include <cstring>

namespace dfs {

namespace baseline {
extern const MlpKernels kernels;
}
#if DIFFUSCOPE_X86_KERNELS
namespace v3 {
extern const MlpKernels kernels;
}
namespace v4 {
extern const MlpKernels kernels;
}
#endif

long mlpParamCount(const MlpShape& s) {
    long n = 0;
    for (int l = 0; l < s.layers; ++l) n += long(s.dims[l + 1]) * (s.dims[l] + 1);
    return n;
}

long mlpActivationFloats(const MlpShape& s, int batch) {
    long n = 0;
    for (int l = 1; l < s.layers; ++l) n += 2L * s.dims[l] * batch;
    return n + long(s.dims[s.layers]) * batch;
}

long mlpScratchFloats(const MlpShape& s, int batch) {
    int maxDim = 0;
    for (int l = 0; l <= s.layers; ++l) maxDim = s.dims[l] > maxDim ? s.dims[l] : maxDim;
    return 2L * maxDim * batch;
}

const float* mlpOutput(const MlpShape& s, const float* acts, int batch) {
    return acts + mlpActivationFloats(s, batch) - long(s.dims[s.layers]) * batch;
}

const MlpKernels* const* mlpKernelVariants(int& count) {
    static const MlpKernels* variants[3];
    static const int n = [] {
        int k = 0;
#if DIFFUSCOPE_X86_KERNELS
        __builtin_cpu_init();
#if defined(__clang__) && __clang_major__ < 15
        // Clang 14 knows no "x86-64-vN" level names here: test the levels' features instead.
        const bool hasV3 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                           __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
        const bool hasV4 = hasV3 && __builtin_cpu_supports("avx512f") &&
                           __builtin_cpu_supports("avx512bw") &&
                           __builtin_cpu_supports("avx512cd") &&
                           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
#else
        const bool hasV4 = __builtin_cpu_supports("x86-64-v4");
        const bool hasV3 = __builtin_cpu_supports("x86-64-v3");
#endif
        if (hasV4) variants[k++] = &v4::kernels;
        if (hasV3) variants[k++] = &v3::kernels;
#endif
        variants[k++] = &baseline::kernels;
        return k;
    }();
    count = n;
    return variants;
}

const MlpKernels& mlpKernels() {
    static const MlpKernels* chosen = [] {
        int n = 0;
        const MlpKernels* const* v = mlpKernelVariants(n);
        if (const char* want = std::getenv("DIFFUSCOPE_ISA"))
            for (int i = 0; i < n; ++i)
                if (std::strcmp(v[i]->isa, want) == 0) return v[i];
        return v[0];
    }();
    return *chosen;
}

} // namespace dfs
