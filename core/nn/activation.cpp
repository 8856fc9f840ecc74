// Activation names.
#include "core/nn/activation.hpp"

#include "core/errors.hpp"

namespace dfs {

Activation parseActivation(const std::string& name) {
    if (name == "silu") return Activation::SiLU;
    if (name == "gelu") return Activation::GELU;
    if (name == "relu") return Activation::ReLU;
    throw UsageError("unknown activation '" + name + "' (choose from silu, gelu, relu)");
}

std::string activationName(Activation a) {
    switch (a) {
    case Activation::SiLU:
        return "silu";
    case Activation::GELU:
        return "gelu";
    case Activation::ReLU:
        return "relu";
    }
    return "?";
}

} // namespace dfs
