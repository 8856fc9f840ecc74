// The built-in 2D datasets by name, and loading a dataset from a name or a CSV file.
#pragma once

#include "core/datasets/point_set.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace dfs {

/// Largest number of points a built-in dataset generates (the `--n` limit).
inline constexpr Index kMaxDatasetPoints = 10'000'000;

struct DatasetOptions {
    Index n = 2000;      ///< number of points
    double noise = -1.0; ///< dataset-specific noise scale; negative means the dataset's default
    std::uint64_t seed = 0;
    int resolution = 0; ///< image datasets: side 8, 16 or 28 (0: 28)
};

struct DatasetInfo {
    std::string name;
    std::string description;
    double defaultNoise;
    bool isGmm; ///< exact parameters available (the `exact` denoiser works)
};

/// The built-in datasets, in display order.
const std::vector<DatasetInfo>& builtinDatasets();

/// Generates a built-in dataset; the same (name, n, noise, seed) always gives the same points,
/// and point i does not depend on n. Throws UsageError for an unknown name, n outside
/// [1, kMaxDatasetPoints] (message names `--n`), or a NaN or infinite noise (`--noise`).
PointSet makeDataset(const std::string& name, const DatasetOptions& opts);

/// A built-in name, a mixture file "gmm:FILE.json" (gmm_file.hpp: its samples with the exact
/// parameters; opts.noise ignored), an image dataset (image_datasets.hpp: `shapes`,
/// `fashion-mnist`, `mnist` or a folder of PNGs), or else a path to a CSV of points (header `x,y`,
/// optional `label` column). A built-in name wins over a file of that name in the working folder;
/// opts.n and opts.noise are ignored for files; labels must be integers >= 0. Throws UsageError for
/// a name that is neither, DataError (naming the file) for a malformed file or other columns than
/// x, y, label.
PointSet loadDataset(const std::string& nameOrPath, const DatasetOptions& opts);

} // namespace dfs
