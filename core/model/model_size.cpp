// Model sizes from the specification: the MLP's exact count, the U-Net's bounds.
#include "core/model/model_size.hpp"

#include "core/nn/mlp_kernels.hpp"

#include <fmt/format.h>

namespace dfs {

std::uint64_t paramsAtLeast(const ModelSpec& s) {
    if (s.architecture == "unet")
        return 144 * std::uint64_t(s.channels) * std::uint64_t(s.channels);
    MlpShape shape;
    shape.layers = s.depth + 1;
    shape.dims[0] = s.inputDim();
    for (int l = 1; l <= s.depth; ++l) shape.dims[l] = s.width;
    shape.dims[s.depth + 1] = s.dim;
    return std::uint64_t(mlpParamCount(shape));
}

double paramsAbout(const ModelSpec& s) {
    if (s.architecture == "unet") return 200.0 * double(s.channels) * double(s.channels);
    return double(paramsAtLeast(s));
}

std::string architectureText(const ModelSpec& s) {
    return s.architecture == "unet" ? fmt::format("unet with {} channels", s.channels)
                                    : fmt::format("mlp {} wide x {} deep", s.width, s.depth);
}

} // namespace dfs
