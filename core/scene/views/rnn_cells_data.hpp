// What the rnn-cells view draws (core/scene/views/rnn_cells_view.cpp): the sampler unrolled as a
// recurrent network for the highlighted particle, one cell per step, and the singular values of
// each cell's Jacobian (diffusion-math.md Section 1.6).
#pragma once

#include "core/scene/view_data.hpp"

#include <string>
#include <vector>

namespace dfs {

struct RnnCellsView {
    TimeInfo time;       ///< the shown frame's time
    std::string sampler; ///< the sampler whose step is the cell
    std::string network; ///< the denoiser in every cell (tied), or the upper one (untied)
    /// Untied networks (model.denoiserBelow): the one under sigma~ = sigmaSplit (empty: tied),
    /// and per cell which one its first call uses (0: `network`, 1: `networkBelow`).
    std::string networkBelow;
    double sigmaSplit = 0;
    std::vector<int> networkOf;
    long particle = 0;         ///< the highlighted particle
    int frame = 0;             ///< the shown frame: cell `frame` goes from it to the next
    bool exactJacobian = true; ///< false: J_D by central differences
    /// Per step i (one entry per cell, all steps): t_i, t_{i+1}, the coefficients of
    /// x_{i+1} = a x_i + b D + prev x0_prev + c z, the cell's NFE, the singular values of
    /// J_i = dx_{i+1}/dx_i (largest, smallest), log|det J_i|, and the particle's x_i and the
    /// cell's first denoiser output (x, y pairs).
    std::vector<double> t, tNext, a, b, prev, c, sigmaMax, sigmaMin, logDet;
    std::vector<int> nfe;
    std::vector<double> x, denoised;
    /// The cells drawn in the timeline: [firstCell, firstCell + cellCount).
    int firstCell = 0, cellCount = 0;
};

} // namespace dfs
