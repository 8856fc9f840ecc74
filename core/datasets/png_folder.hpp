// A folder of PNG images as a dataset: grayscale, square, resized by area to one side. Images
// directly in the folder are unlabelled; images in subfolders get the subfolder's index (in
// name order) as their class label.
#pragma once

#include "core/datasets/point_set.hpp"

#include <string>

namespace dfs {

/// Most images read from one folder tree.
inline constexpr Index kMaxFolderImages = 200'000;

/// Reads every *.png (case-insensitive) under `dir` (one level of class subfolders), converts it
/// to grayscale in [-1, 1] and resizes it to side x side. Throws DataError naming the file for
/// an unreadable, corrupt or non-square PNG, and for a folder without PNGs.
PointSet loadPngFolder(const std::string& dir, int side);

} // namespace dfs
