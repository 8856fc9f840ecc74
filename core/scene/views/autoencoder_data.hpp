// What the autoencoder view draws (core/scene/views/autoencoder_view.cpp): data points x0, their
// noised copies x_t ("encoded") and the denoiser's D(x_t) ("decoded") at the time cursor.
#pragma once

#include "core/scene/view_data.hpp"

#include <string>
#include <vector>

namespace dfs {

struct AutoencoderView {
    PlotBox box;
    TimeInfo time;     ///< the cursor (the denoiser is evaluated at max(t, 1e-3))
    std::string model; ///< the scene's denoiser
    /// One entry per shown point, x, y pairs: the data x0, x_t = alpha x0 + sigma eps, D(x_t).
    std::vector<float> x0, xt, denoised;
    long samples = 0;          ///< points behind the MSE (more than are drawn)
    double mse = 0, mseSe = 0; ///< E||D(x_t) - x0||^2 / d and its standard error
    std::vector<float> data;   ///< a thinned copy of the data, drawn faintly
};

} // namespace dfs
