// A 2D (or D-dimensional) point set with optional class labels and, for Gaussian mixtures,
// the exact parameters that generated it (used by the exact denoiser).
#pragma once

#include "core/types.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dfs {

/// Parameters of a Gaussian mixture p0 = sum_k weight_k N(mean_k, cov_k).
struct GmmParams {
    std::vector<double> weights; ///< mixture weights, sum to 1
    std::vector<Vector> means;   ///< component means
    std::vector<Matrix> covs;    ///< component covariances (symmetric positive semi-definite)
    int dim() const { return means.empty() ? 0 : int(means.front().size()); }
    int size() const { return int(weights.size()); }
};

struct PointSet {
    std::string name;             ///< dataset name or file path
    Matrix points;                ///< one row per point
    std::vector<int> labels;      ///< one class label per point (empty when unlabelled)
    std::optional<GmmParams> gmm; ///< exact parameters when the data is a Gaussian mixture
    int dim() const { return int(points.cols()); }
    Index size() const { return points.rows(); }
};

} // namespace dfs
