// What the score view draws (views/score_view.cpp): the score of the scene's model and of the
// exact or ideal reference on a coarse grid, both computed from a denoiser by Tweedie's formula
// s = (alpha D(x) - x) / sigma^2 (diffusion-math.md 1.3 and 2.2), over a heat map.
#pragma once

#include "core/scene/view_data.hpp"

#include <string>
#include <vector>

namespace dfs {

struct ScoreView {
    PlotBox box;
    TimeInfo time;
    int n = 0;              ///< arrows per side: pos is an n x n grid of cell centres, x fastest
    std::vector<float> pos; ///< arrow tails (x, y pairs)
    /// sigma^2 s = alpha D(x) - x of the scene's model at pos (x, y pairs): scaled by sigma^2
    /// so that the arrows keep a readable length at every t.
    std::vector<float> model;
    /// sigma^2 s* of the reference (exact or ideal) when the model is learned; else empty.
    std::vector<float> reference;
    std::string modelName, referenceName;
    /// ||s_theta - s*|| for a learned model, else ||s*|| (unscaled, per unit of x).
    ScalarGrid heat;
    /// A learned model's error colours span [0, heatMax], the same at every t
    /// (SceneEngine::errorColourMax); 0 for ||s*||, drawn on its own range at each t.
    double heatMax = 0;
};

} // namespace dfs
