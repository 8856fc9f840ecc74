// Denoiser error (a training diagnostic): how far a learned denoiser is from a reference (the
// exact or ideal denoiser) at each noise level, measured on noised data points.
#pragma once

#include "core/types.hpp"

#include <cstdint>
#include <vector>

namespace dfs {

class Denoiser;
class Schedule;

struct DenoiserGap {
    double t;
    double meanSquaredError; ///< E ||D_learned(x_t) - D_reference(x_t)||^2 / dim
};

/// At t = 0.1, 0.2, ..., 1.0: x_t = alpha x0 + sigma eps for `n` points x0 drawn (with
/// replacement, seeded) from data; returns the mean squared difference of the two denoisers.
std::vector<DenoiserGap> denoiserGap(const Denoiser& learned, const Denoiser& reference,
                                     const Schedule& schedule, const Matrix& data, Index n,
                                     std::uint64_t seed);

} // namespace dfs
