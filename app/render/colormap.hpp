// Perceptually uniform colour maps for heat maps, and a grid of values turned into an image.
#pragma once

#include "core/scene/view_data.hpp"

#include <QImage>
#include <QRgb>

namespace dfs::render {

enum class Colormap { Viridis, Magma };

/// The colour at u in [0, 1] (clamped; NaN gives transparent).
QRgb colormapColor(Colormap map, double u);

/// Values range of a grid, ignoring NaN and infinities: {lo, hi} with hi > lo.
std::pair<double, double> valueRange(const ScalarGrid& grid);

/// One pixel per cell, row 0 of the grid at the bottom of the image; values mapped linearly
/// from [lo, hi] to the colour map.
QImage gridImage(const ScalarGrid& grid, Colormap map, double lo, double hi);

} // namespace dfs::render
