// Builds a denoiser from its command-line name: `exact` (closed-form Gaussian mixture),
// `ideal` (the exact denoiser of the finite training set) or a trained model file.
#pragma once

#include "core/datasets/point_set.hpp"
#include "core/denoisers/denoiser.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace dfs {

struct DenoiserOptions {
    int label = -1;        ///< class to condition on; -1: unconditional
    double guidance = 1.0; ///< classifier-free guidance scale (needs a label); 1 = none
};

/// `exact`, `ideal` or a checkpoint path (*.dsm), optionally class-conditional and guided.
/// Throws UsageError for an unknown name, `exact` on data without Gaussian-mixture parameters,
/// a label the data or model does not have, or guidance without a label; DataError for a bad
/// checkpoint file.
std::unique_ptr<Denoiser> makeDenoiser(const std::string& name, const PointSet& data,
                                       const DenoiserOptions& options = {});

/// Untied networks (split_denoiser.hpp): `name` at levels with sigma/alpha >= sigmaSplit and
/// `below` under it; an empty `below` is makeDenoiser(name, ...) (tied). The same UsageErrors,
/// naming the flag, and one for a NaN or negative split.
std::unique_ptr<Denoiser> makeDenoiser(const std::string& name, const std::string& below,
                                       double sigmaSplit, const PointSet& data,
                                       const DenoiserOptions& options = {});

/// Names and one-line descriptions, for `diffuscope-cli list`.
std::vector<std::pair<std::string, std::string>> listDenoisers();

} // namespace dfs
