// Image datasets by name: `shapes` (built in), `fashion-mnist` and `mnist` (IDX files, gzip or
// not, from Debian's dataset packages or $DIFFUSCOPE_DATASETS), or a folder of PNGs; square
// grayscale images in [-1, 1] at 8x8, 16x16 or 28x28 (area resampling), one row per image.
#pragma once

#include "core/datasets/point_set.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace dfs {

inline constexpr int kImageResolutions[] = {8, 16, 28};

struct ImageDatasetInfo {
    std::string name;
    std::string description;
};

/// The named image datasets, in display order.
const std::vector<ImageDatasetInfo>& imageDatasets();

/// Whether `nameOrPath` is an image dataset name or a folder.
bool isImageDataset(const std::string& nameOrPath);

/// The first n images (all when the set has fewer; `shapes` generates n with `seed`) at
/// resolution x resolution (0: 28). Throws UsageError for a resolution other than 8, 16, 28
/// (or 0) and n < 1; DataError naming the file for missing, corrupt, truncated or mislabelled
/// files (the message says where the files were looked for).
PointSet loadImageDataset(const std::string& nameOrPath, int resolution, Index n,
                          std::uint64_t seed);

/// Side of a square image with `pixels` pixels, or 0 when it is not a square.
int imageSide(Index pixels);

} // namespace dfs
