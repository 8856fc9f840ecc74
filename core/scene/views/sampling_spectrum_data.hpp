// What the sampling-spectrum view draws (core/scene/views/sampling_spectrum_view.cpp): during a
// run on images, the radially averaged power spectra of the canvas x_i / alpha and of the
// denoiser's x0_hat at the shown frame, beside the data's and the noise floor: the low
// frequencies of x0_hat reach the data's power first (spectral autoregression).
#pragma once

#include "core/scene/view_data.hpp"

#include <vector>

namespace dfs {

struct SamplingSpectrumView {
    TimeInfo time;                 ///< the shown frame's time
    int frame = 0, frames = 1;     ///< the shown frame and the run's frame count
    long particles = 0;            ///< particles averaged into the spectra
    std::vector<double> frequency; ///< cycles per image, 1 .. side/2
    std::vector<double> data;      ///< RAPSD of the data
    std::vector<double> canvas;    ///< RAPSD of x_i / alpha_i (empty at alpha = 0)
    std::vector<double> x0Hat;     ///< RAPSD of the denoiser's x0_hat at the frame
    double noise = 0;              ///< (sigma / alpha)^2, the canvas's flat noise floor
    /// Highest frequency whose data power beats the floor, alpha^2 R(f) >= sigma^2 (-1: none).
    double decided = -1;
    /// Per frequency, x0_hat's power over the data's (1 where it has settled); the "decided"
    /// frequencies are the ones at or near 1.
    std::vector<double> ratio;
};

} // namespace dfs
