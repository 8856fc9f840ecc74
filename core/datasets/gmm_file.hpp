// A Gaussian mixture of the user's own, as a dataset with its exact denoiser: `--dataset
// gmm:FILE.json` reads the mixture from
//     {"means": [[x, y], ...], "covariances": [[[a, b], [b, c]], ...], "weights": [w, ...]}
// ("weights" optional: equal; "covariances" may instead be "stds": [s, ...] for s^2 I). A single
// Gaussian is a mixture of one, so every closed form of the math reference's section 4 holds.
#pragma once

#include "core/datasets/point_set.hpp"

#include <string>

namespace dfs {

/// The prefix that names a mixture file as a dataset.
inline constexpr const char* kGmmFilePrefix = "gmm:";
/// Most components a mixture file may hold.
inline constexpr int kMaxGmmComponents = 10000;

/// Whether `dataset` names a mixture file ("gmm:PATH").
bool isGmmFile(const std::string& dataset);

/// Parses a mixture: 2-D means, symmetric positive semi-definite covariances, weights >= 0 with
/// a positive sum (normalised to 1). `source` names the file in messages; DataError names the key
/// and the component ("g.json: covariances[2] is not positive semi-definite").
GmmParams gmmFromJson(const std::string& text, const std::string& source);
/// Reads a mixture file (DataError naming the path when it cannot be read or is malformed).
GmmParams readGmmFile(const std::string& path);
/// The mixture as JSON in the format above (covariances written out).
std::string gmmToJson(const GmmParams& gmm);

} // namespace dfs
