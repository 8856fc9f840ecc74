// Gaussian-mixture datasets (gmm8, gmm25) with their exact parameters, and a sampler for any
// mixture. The ring of 8 and the 5x5 grid are the standard toy mixtures of the GAN literature
// (Metz et al. 2017, "Unrolled GANs"; Srivastava et al. 2017, "VEEGAN").
#pragma once

#include "core/datasets/point_set.hpp"

#include <cstdint>
#include <vector>

namespace dfs {

inline constexpr double kGmm8Radius = 1.5;       ///< ring radius of the gmm8 means
inline constexpr double kGmm8DefaultStd = 0.1;   ///< gmm8 component standard deviation
inline constexpr double kGmm25Spacing = 0.7;     ///< gmm25 means at {-2,-1,0,1,2} * spacing
inline constexpr double kGmm25DefaultStd = 0.05; ///< gmm25 component standard deviation

/// Equal-weight mixture with covariance stddev^2 I around each mean. Requires at least one mean,
/// all of one dimension, and stddev >= 0 (0 gives point masses).
GmmParams isotropicGmm(const std::vector<Vector>& means, double stddev);

/// Draws n points from a mixture: point i takes component k from its first Philox uniform (by
/// the cumulative weights) and x = mean_k + A_k z with A_k A_k^T = cov_k and z standard normal
/// (blocks 0.. of the dataset normal substream). labels = component, gmm = the parameters.
/// Throws UsageError for n out of range or inconsistent parameters.
PointSet sampleGmm(const GmmParams& gmm, Index n, std::uint64_t seed, const std::string& name);

/// 8 components equally spaced on the circle of radius kGmm8Radius (mean k at angle 2 pi k / 8).
PointSet makeGmm8(Index n, double stddev, std::uint64_t seed);

/// 25 components on the 5x5 grid {-2,-1,0,1,2}^2 * kGmm25Spacing, row-major (k = 5 iy + ix).
PointSet makeGmm25(Index n, double stddev, std::uint64_t seed);

} // namespace dfs
