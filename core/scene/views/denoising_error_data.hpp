// What the denoising-error view draws (core/scene/views/denoising_error_view.cpp): MSE(t) of the
// scene's denoiser against logSNR with its standard error, the Bayes error of the reference, and
// the implied weightings of the training targets.
#pragma once

#include "core/scene/view_data.hpp"

#include <string>
#include <vector>

namespace dfs {

struct DenoisingErrorView {
    TimeInfo time;                 ///< the time cursor
    std::string model;             ///< the scene's denoiser ("exact", "ideal", a file)
    std::string reference;         ///< the Bayes error's model ("" when none has a posterior)
    bool modelIsReference = false; ///< the exact/ideal model itself: MSE and Bayes coincide
    long samples = 0;              ///< noised points per level
    std::vector<double> logSnr, mse, mseSe; ///< per logSNR grid point, low to high
    std::vector<double> bayes, bayesSe;     ///< empty when there is no reference
    /// Implied weights relative to x0-MSE (diffusion-math.md 2.3) at each grid point.
    std::vector<double> wEps, wV, wVelocity, wScore;
    double mseAtCursor = -1; ///< MSE interpolated at the cursor's logSNR (-1: outside the grid)
};

} // namespace dfs
