// Terminal scatter plots for the CLI demo: point density over a square window as characters.
#pragma once

#include "core/types.hpp"

#include <string>
#include <vector>

namespace dfs::cli {

/// Lines of a framed density plot of the first two columns of `points` over [-extent, extent]^2,
/// `width` characters wide and `height` lines high (inside the frame), with a title line.
std::vector<std::string> asciiScatter(const Matrix& points, double extent, int width, int height,
                                      const std::string& title);

} // namespace dfs::cli
