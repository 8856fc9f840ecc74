// What the sde-marginal view draws (views/sde_marginal_view.cpp): the run's particles at the shown
// frame as a histogram against the exact marginal p_t at the frame's time: the Fokker-Planck
// check that a reverse-SDE or ODE sampler keeps the forward process's marginals
// (diffusion-math.md 1.4).
#pragma once

#include "core/scene/view_data.hpp"

#include <string>

namespace dfs {

struct SdeMarginalView {
    PlotBox box;
    TimeInfo time;
    int frame = 0, steps = 1;
    std::string sampler;
    long particles = 0;
    ScalarGrid samples; ///< density of the run's particles (per unit area)
    ScalarGrid exact;   ///< p_t on the same cells (density per unit area)
    std::string
        exactLabel; ///< what `exact` is ("exact p_t", "ideal p_t, smoothed to sigma~ = 0.062")
    /// Energy distance between the particles and the noised data alpha x0 + sigma eps (a sample
    /// of p_t from half of the data), and between two such samples from the two disjoint halves:
    /// the sampling floor, what an exact sampler would show.
    double energy = -1, energyFloor = -1;
};

} // namespace dfs
