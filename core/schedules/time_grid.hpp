// Sampler time grids: N steps give N + 1 strictly decreasing times from the start (t = 1, or
// the grid's log-SNR floor) down to exactly t = 0.
#pragma once

#include <string>
#include <vector>

namespace dfs {

class Schedule;

enum class GridSpacing {
    UniformT,      ///< t_i = 1 - i/N (DDPM/DDIM "linspace", score_sde)
    UniformLogSnr, ///< uniform in log-SNR (DPM-Solver, skip_type='logSNR'; NCSN's geometric sigmas)
    Karras,        ///< sigma~ ramp with rho (Karras et al. 2022, eq. 5)
};

GridSpacing parseGridSpacing(const std::string& name); ///< "uniform", "logsnr", "karras"
std::string gridSpacingName(GridSpacing g);

/// Times t_0 > t_1 > ... > t_N = 0. The non-final points of the logSNR and Karras grids span
/// [gridLogSnrMin, gridLogSnrMax] of the schedule; t_0 is exactly 1 where logSnr(1) is inside
/// that span. Throws UsageError for steps < 1.
std::vector<double> makeTimeGrid(const Schedule& schedule, GridSpacing spacing, int steps,
                                 double rho = 7.0);

} // namespace dfs
