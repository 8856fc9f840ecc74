// "shapes": a built-in image dataset that needs no download: 28x28 grayscale discs, squares,
// triangles, rings, crosses and bars at random positions, sizes and brightness, tilted a little
// (bars lying or standing), one class per shape. A pure function of (n, seed), like the 2-D
// datasets.
#pragma once

#include "core/datasets/point_set.hpp"

#include <cstdint>

namespace dfs {

inline constexpr int kShapesSide = 28;
inline constexpr int kShapesClasses = 6; ///< disc, square, triangle, ring, cross, bar

/// n images of kShapesSide^2 pixels in [-1, 1] (background -1), with labels.
PointSet makeShapes(Index n, std::uint64_t seed);

} // namespace dfs
