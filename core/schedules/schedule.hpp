// A noise schedule: the forward marginal x_t = alpha(t) x0 + sigma(t) eps on internal time
// t in [0, 1] (t = 0 clean, t = 1 noise), with derivatives and the log-SNR map and its inverse.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dfs {

/// Values of a schedule at one time: everything a sampler step or a conversion needs.
struct NoiseLevel {
    double t = 0;
    double alpha = 1;    ///< signal scale alpha(t)
    double sigma = 0;    ///< noise scale sigma(t)
    double alphaDot = 0; ///< d alpha / dt
    double sigmaDot = 0; ///< d sigma / dt
    /// Half log-SNR log(alpha / sigma) as used by DPM-Solver (+inf at sigma = 0).
    double halfLogSnr() const;
    /// EDM/VE coordinate sigma~ = sigma / alpha (Karras et al. 2022, eq. 4 with s = alpha).
    double sigmaTilde() const { return sigma / alpha; }
};

/// The smallest positive time a sampler grid or a --sigma uses: sigma~(t) at t -> 0+ is edm's
/// and ve's sigma_min, and at this t it is within 1e-13 of it (relative).
inline constexpr double kSmallestPositiveT = 1e-12;

class Schedule {
public:
    virtual ~Schedule() = default;
    virtual std::string name() const = 0;
    /// One-line description with the paper and the parameters.
    virtual std::string describe() const = 0;

    virtual double alpha(double t) const = 0;
    virtual double sigma(double t) const = 0;
    virtual double alphaDot(double t) const = 0;
    virtual double sigmaDot(double t) const = 0;

    /// log SNR(t) = log(alpha^2 / sigma^2); +inf at t = 0, strictly decreasing.
    virtual double logSnr(double t) const;
    /// Inverse of logSnr on (0, 1]; values beyond the range clamp to 0 or 1. The default
    /// bisects; schedules with a closed form override it.
    virtual double tFromLogSnr(double lambda) const;

    /// Log-SNR span that the logSNR and Karras grids cover before their final step to t = 0:
    /// [max(logSnr(1), -2 ln 80), gridLogSnrMax()]. The lower bound is EDM's sigma_max = 80
    /// (Karras et al. 2022, Table 1) in sigma~ units; it keeps the cosine and rectified-flow
    /// schedules, whose alpha(1) = 0, finite.
    double gridLogSnrMin() const;
    /// Upper end of that span: the schedule's own smallest level. By default logSnr(1e-3),
    /// capped at -2 ln 0.002: Song et al. (2021) end VP sampling at t = 1e-3 (their eps), and
    /// EDM's sigma_min = 0.002 bounds it for the others. `edm` and `ve` override it with their
    /// sigma_min (0.002 and 0.01 by default), reached as t -> 0+.
    virtual double gridLogSnrMax() const;

    /// The time at which sigma~ = sigma / alpha equals s: 0 for s = 0, else tFromLogSnr(-2 ln s)
    /// kept at or above kSmallestPositiveT, so that a level reached only as t -> 0+ (edm's and
    /// ve's sigma_min) maps to a positive time. Nullopt when s lies outside the levels the
    /// schedule resolves (within a relative 1e-6): above sigmaTildeMax() or below its smallest.
    std::optional<double> timeOfSigmaTilde(double s) const;
    /// sigma~ at t = 1 (+inf where alpha(1) = 0).
    double sigmaTildeMax() const;
    /// sigma~ at kSmallestPositiveT: the smallest positive level the schedule resolves.
    double sigmaTildeMin() const;

    /// All five values at t. The default calls the four functions; a schedule whose functions
    /// share work (cosine: one theta, one sin and cos) overrides it with the same values.
    virtual NoiseLevel at(double t) const;
};

/// A built-in schedule from its name or spec ("vp-linear", "edm(sigma_max=20)"; see
/// schedule_spec.hpp). Throws UsageError naming the schedule and the parameter at fault.
std::unique_ptr<Schedule> makeSchedule(const std::string& name);
/// Names and descriptions of the built-in schedules, in display order.
std::vector<std::pair<std::string, std::string>> listSchedules();

} // namespace dfs
