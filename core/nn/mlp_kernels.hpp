// The MLP's batched forward and backward passes, compiled once per x86-64 level (baseline, v3
// with AVX2/FMA, v4 with AVX-512) and chosen at run time. Each variant compiles Eigen under its
// own namespace name, so no instruction-set-specific code is shared between them; the interface
// is plain data and pointers for the same reason.
#pragma once

namespace dfs {

/// Layer sizes dims[0] (input) .. dims[layers] (output). Parameters are stored per layer as
/// W_l (dims[l+1] x dims[l], column-major) followed by b_l (dims[l+1]).
struct MlpShape {
    static constexpr int kMaxLayers = 16;
    int layers = 0;
    int dims[kMaxLayers + 1] = {};
    int activation = 0; ///< an Activation value
};

/// Floats needed to keep a forward pass for the backward pass: per hidden layer Z_l (act'(Z_l)
/// after forwardTrain) and H_l, then the output.
long mlpActivationFloats(const MlpShape& s, int batch);
/// Floats of scratch the backward pass needs.
long mlpScratchFloats(const MlpShape& s, int batch);
long mlpParamCount(const MlpShape& s);

struct MlpKernels {
    const char* isa; ///< "x86-64-v4", "x86-64-v3" or "baseline"
    /// in: dims[0] x batch, column-major (one sample per column). acts: mlpActivationFloats.
    /// The output (dims[layers] x batch) is at mlpOutput(acts).
    void (*forward)(const MlpShape&, const float* params, const float* in, int batch, float* acts);
    /// The same output, keeping act'(Z_l) in place of Z_l for the backward pass (the
    /// activation's exp or tanh evaluated once for both).
    void (*forwardTrain)(const MlpShape&, const float* params, const float* in, int batch,
                         float* acts);
    /// Given forwardTrain's acts and dLoss/dOutput, writes dLoss/dParams into grads (overwriting).
    void (*backward)(const MlpShape&, const float* params, const float* in, const float* acts,
                     const float* gradOut, int batch, float* grads, float* scratch);
    /// Single-precision matrix product for the other networks' layers (the U-Net's convolutions
    /// and dense layers), row-major: C (m x n) = beta C + op(A) op(B), op(A) m x k (A stored
    /// k x m when transA), op(B) k x n (B stored n x k when transB); beta is 0 or 1.
    void (*gemm)(int m, int n, int k, const float* a, bool transA, const float* b, bool transB,
                 float beta, float* c);
    /// h = act(z) and d = act'(z) over n floats (the activation an Activation value): the
    /// forward-mode tangent pass of mlp_tangents.hpp.
    void (*activateWithDerivative)(int act, const float* z, float* h, float* d, long n);
};

/// The output block inside a forward pass's activations.
const float* mlpOutput(const MlpShape& s, const float* acts, int batch);

/// The fastest variant this CPU supports (DIFFUSCOPE_ISA=baseline|x86-64-v3|x86-64-v4 forces
/// one, for tests and benchmarks; an unsupported request falls back to the best available).
const MlpKernels& mlpKernels();
/// Every variant this CPU can run, best first.
const MlpKernels* const* mlpKernelVariants(int& count);

} // namespace dfs
