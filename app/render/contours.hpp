// Contour lines of a grid of values (marching squares over the cell centres), for views that
// draw a reference density over a histogram.
#pragma once

#include "app/render/plot_frame.hpp"
#include "core/scene/view_data.hpp"

#include <QLineF>
#include <vector>

namespace dfs::render {

/// Segments (in the frame's pixels) where the grid, linear between neighbouring cell centres,
/// crosses `level`. NaN cells give no segments.
std::vector<QLineF> contourSegments(const ScalarGrid& grid, double level, const PlotFrame& frame);

} // namespace dfs::render
