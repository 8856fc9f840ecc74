// Activation functions of the MLP denoiser, by name.
#pragma once

#include <string>

namespace dfs {

enum class Activation : int {
    SiLU = 0, ///< x sigmoid(x) (Elfwing et al. 2018; Ramachandran et al. 2017 "Swish")
    GELU = 1, ///< tanh approximation 0.5 x (1 + tanh(sqrt(2/pi)(x + 0.044715 x^3)))
              ///< (Hendrycks & Gimpel 2016, Section 2)
    ReLU = 2, ///< max(x, 0)
};

Activation parseActivation(const std::string& name); ///< "silu", "gelu", "relu"; else UsageError
std::string activationName(Activation a);

} // namespace dfs
