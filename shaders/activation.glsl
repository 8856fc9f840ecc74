// The MLP's activations and their derivatives in GLSL, as core/nn/activation.hpp defines them and
// core/nn/mlp_kernels.inc computes them on the CPU. act: 0 SiLU, 1 GELU (tanh form), 2 ReLU
// (dfs::Activation), 3 none (the output layer; kNoActivation in core/vulkan/shader_structs.hpp).
#ifndef DIFFUSCOPE_ACTIVATION_GLSL
#define DIFFUSCOPE_ACTIVATION_GLSL

float activate(uint act, float z) {
    if (act == 0u) return z / (1.0 + exp(-z)); // SiLU: z sigmoid(z) (Elfwing et al. 2018)
    if (act == 1u) // GELU, tanh form (Hendrycks & Gimpel 2016, Section 2)
        return 0.5 * z * (1.0 + tanh(0.7978845608 * (z + 0.044715 * z * z * z)));
    if (act == 2u) return max(z, 0.0); // ReLU
    return z;
}

/// d activate(act, z) / dz.
float activateDerivative(uint act, float z) {
    if (act == 0u) { // s (1 + z (1 - s)), s = sigmoid(z)
        const float s = 1.0 / (1.0 + exp(-z));
        return s * (1.0 + z * (1.0 - s));
    }
    if (act == 1u) { // 0.5 (1 + th) + 0.5 z (1 - th^2) c (1 + 3 0.044715 z^2), c = sqrt(2 / pi)
        const float th = tanh(0.7978845608 * (z + 0.044715 * z * z * z));
        return 0.5 * (1.0 + th) +
               0.5 * z * (1.0 - th * th) * 0.7978845608 * (1.0 + 3.0 * 0.044715 * z * z);
    }
    if (act == 2u) return z > 0.0 ? 1.0 : 0.0;
    return 1.0;
}

#endif
