// Area resampling of square grayscale images: each output pixel is the mean of the input over
// its footprint, with fractional overlaps weighted exactly (28 -> 16 as well as 28 -> 14).
#pragma once

#include "core/types.hpp"

namespace dfs {

/// Resizes every row of `images` (side x side pixels, row-major) to to x to pixels by area
/// averaging. Throws UsageError for sides < 1 or a column count other than side^2.
Matrix areaResize(const Matrix& images, int side, int to);

} // namespace dfs
