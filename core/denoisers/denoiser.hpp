// A denoiser D(x, t) = E[x0 | x_t = x]: the one model interface every sampler and view uses.
// eps, v, score and velocity are derived from it (core/parameterisation.hpp).
#pragma once

#include "core/schedules/schedule.hpp"
#include "core/types.hpp"

#include <string>

namespace dfs {

class Denoiser {
public:
    virtual ~Denoiser() = default;
    virtual std::string name() const = 0;
    virtual int dim() const = 0;

    /// Writes D(x) for rows [begin, end) of x into the same rows of out (already sized).
    /// Must be thread-safe for disjoint row ranges and deterministic per row.
    virtual void denoiseRows(const Matrix& x, const NoiseLevel& level, Matrix& out, Index begin,
                             Index end) const = 0;

    /// Whether log p_t(x) is available in closed form.
    virtual bool hasLogDensity() const { return false; }
    /// Writes log p_t(x) for rows [begin, end); requires hasLogDensity() and sigma > 0.
    virtual void logDensityRows(const Matrix& x, const NoiseLevel& level, Vector& out, Index begin,
                                Index end) const;
};

} // namespace dfs
