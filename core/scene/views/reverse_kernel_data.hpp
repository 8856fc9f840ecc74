// What the reverse-kernel view draws (core/scene/views/reverse_kernel_view.cpp): at the
// highlighted particle's x_t, the exact reverse step q(x_s | x_t) to the next frame's time s
// beside the model's Gaussian p_theta(x_s | x_t) and q(x_s | x_t, x0) for one data point.
#pragma once

#include "core/scene/view_data.hpp"

#include <string>
#include <vector>

namespace dfs {

struct ReverseKernelView {
    TimeInfo time; ///< at t, the particle's frame
    double s = 0;  ///< the time of the step's end (the next frame)
    int frame = 0, steps = 1;
    long particle = 0;
    std::string model;       ///< the scene's denoiser
    std::string exactSource; ///< "the mixture" or "the N data points"
    double xt[2] = {0, 0};
    ScalarGrid density;                         ///< q(x_s | x_t) per unit area over the window
    double peak = 0;                            ///< the grid's largest value
    double modelMean[2] = {0, 0}, modelStd = 0; ///< p_theta = N(mean, std^2 I)
    double x0[2] = {0, 0};                      ///< the data point nearest x_t / alpha_t
    double bridgeMean[2] = {0, 0};              ///< q(x_s | x_t, x0): N(mean, modelStd^2 I)
    double exactMean[2] = {0, 0}, exactCov[3] = {0, 0, 0}; ///< xx, xy, yy
    double kl = 0; ///< KL(q(x_s | x_t) || p_theta(x_s | x_t)) on the grid, nats
};

} // namespace dfs
