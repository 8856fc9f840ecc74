// Builds a denoiser from its command-line name: `exact` (closed-form Gaussian mixture) or
// `ideal` (the exact denoiser of the finite training set).
#pragma once

#include "core/datasets/point_set.hpp"
#include "core/denoisers/denoiser.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace dfs {

/// Throws UsageError for an unknown name, or `exact` on data without Gaussian-mixture parameters.
std::unique_ptr<Denoiser> makeDenoiser(const std::string& name, const PointSet& data);

/// Names and one-line descriptions, for `diffuscope-cli list`.
std::vector<std::pair<std::string, std::string>> listDenoisers();

} // namespace dfs
