// Activation names.
#include "core/nn/activation.hpp"

#include "core/errors.hpp"
#include "core/name_table.hpp"

namespace dfs {

namespace {
constexpr NameTable<Activation, 3> kActivations = {
    {{Activation::SiLU, "silu"}, {Activation::GELU, "gelu"}, {Activation::ReLU, "relu"}}};
} // namespace

Activation parseActivation(const std::string& name) {
    return parseName(kActivations, name, "activation");
}

std::string activationName(Activation a) {
    return nameOf(kActivations, a);
}

} // namespace dfs
