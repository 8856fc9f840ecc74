// The size of a model computed from its specification without building it: for refusing a
// checkpoint whose metadata disagrees with its weights, and for budgeting training.
#pragma once

#include "core/model/model.hpp"

#include <cstdint>
#include <string>

namespace dfs {

/// The weights the network of `s` has at least: exact for an MLP; for a U-Net the 3x3
/// convolution kernels alone (144 C^2 for base channels C).
std::uint64_t paramsAtLeast(const ModelSpec& s);

/// About how many weights the network of `s` has: exact for an MLP; for a U-Net 200 C^2 (the
/// convolutions, the embedding, the attention and the projections; within 10% for C >= 16).
double paramsAbout(const ModelSpec& s);

/// "mlp 4096 wide x 15 deep" or "unet with 1024 channels", for messages.
std::string architectureText(const ModelSpec& s);

} // namespace dfs
