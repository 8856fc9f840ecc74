// What the autoencoder view draws (core/scene/views/autoencoder_view.cpp): data points x0, their
// noised copies x_t ("encoded") and the denoiser's D(x_t) ("decoded") at the time cursor; for
// images, rows x0 | x_t | D(x_t) | eps_hat | |D - x0| at a few noise levels.
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
    /// Image data (the 2-D fields above are then empty): one row per noise level, columns
    /// x0 | x_t | D(x_t) | eps_hat / 3 | |D - x0| - 1, each clamped to [-1, 1].
    bool images = false;
    ImageGridView grid;
    std::vector<double> levelT, levelSigma, levelMse; ///< images: each row's t, sigma and MSE
};

} // namespace dfs
