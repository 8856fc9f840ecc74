// The pieces the 2-D views share: square grids of cells over the plotted box (heat maps and
// arrow positions), the box's half-width at time t, histograms and log-density grids on the
// backend, and thinned point lists. The field view (scene_views.cpp) and the views under views/
// build from these, so that every 2-D view grids its box the same way.
#pragma once

#include "core/scene/scene.hpp"
#include "core/scene/view_data.hpp"
#include "core/schedules/schedule.hpp"
#include "core/types.hpp"

#include <string>
#include <vector>

namespace dfs {

class Backend;
class Denoiser;

/// Heat-map resolution of the 2-D views (cells per side).
inline constexpr int kHeatCells = 64;
/// Smallest time at which fields are evaluated: eps, score and velocity need sigma > 0.
inline constexpr double kMinFieldT = 1e-3;

/// Every `stride`-th row so that at most `limit` rows remain.
Index strideFor(Index rows, Index limit);
void appendXY(std::vector<float>& out, double x, double y);
/// Every stride-th row of m (its first two columns) as (x, y) pairs, at most `limit` of them.
std::vector<float> thinnedXY(const Matrix& m, Index limit);

/// An n x n grid of zeros over [-extent, extent]^2.
ScalarGrid emptyGrid(int n, double extent, std::string label);
/// Cell centres of a grid, row 0 at the bottom, x varying fastest.
Matrix cellCentres(const ScalarGrid& g);

/// Plot half-width at time t: the data's square widened by the marginal's scale
/// sqrt(alpha^2 + sigma^2), so that VE and EDM chains stay in view.
double extentAt(const SceneView& v, const NoiseLevel& l);

/// Density histogram (per unit area) of the rows of m on the grid's cells, counted by the
/// backend (on a GPU for 10^6 particles).
void histogram(Backend& backend, const Matrix& m, ScalarGrid& g);
/// log p_t on the grid's cells, floored at 10 nats below the peak: the colour scale then
/// resolves where the mass is, not the far tails.
void logDensityGrid(Backend& backend, const Denoiser& model, const NoiseLevel& level,
                    ScalarGrid& g);

} // namespace dfs
