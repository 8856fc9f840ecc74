// What the sde-fan view draws (views/sde_fan_view.cpp): reverse-SDE paths from one starting point
// with different noise, the ODE path from the same point, and the next step's drift and noise
// (diffusion-math.md 1.4).
#pragma once

#include "core/scene/view_data.hpp"

#include <string>
#include <vector>

namespace dfs {

struct SdeFanView {
    PlotBox box;
    TimeInfo time;
    int frame = 0, steps = 1;
    std::string sampler;      ///< the fan's sampler: ddim or edm-sde
    std::string knob;         ///< its stochasticity ("eta = 1", "S_churn = 40")
    std::string sceneSampler; ///< the scene's sampler (differs when ddim stands in for it)
    long particle = 0;        ///< the run particle whose x_T starts the fan
    int paths = 0;
    /// [frame][path] (x, y) for frames 0..frame: (frame + 1) x paths pairs.
    std::vector<float> fan;
    /// The same sampler without noise (eta = 0 / S_churn = 0) from the same x_T: frames 0..frame.
    std::vector<float> ode;
    /// RMS distance of the paths from their mean at the frame.
    double spread = 0;
    /// The next step (frame -> frame + 1) from the fan's mean: its noise-free part and what one
    /// draw of noise adds (empty at the last frame).
    std::vector<float> mean, drift, noise;
    std::vector<float> data; ///< a thinned copy of the data, drawn faintly
};

} // namespace dfs
