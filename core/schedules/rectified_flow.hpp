// Rectified flow / conditional optimal-transport path (Liu et al. 2023; Lipman et al. 2023):
// alpha = 1 - t, sigma = t in the app's time (flow-matching papers use tau = 1 - t).
#pragma once

#include "core/schedules/schedule.hpp"

#include <cmath>

namespace dfs {

class RectifiedFlowSchedule final : public Schedule {
public:
    std::string name() const override { return "rf"; }
    std::string describe() const override {
        return "rectified flow, alpha = 1 - t, sigma = t (Liu et al. 2023; flow time tau = 1 - t)";
    }
    double alpha(double t) const override { return 1.0 - t; }
    double sigma(double t) const override { return t; }
    double alphaDot(double) const override { return -1.0; }
    double sigmaDot(double) const override { return 1.0; }
    /// lambda = 2 log((1 - t)/t)  =>  t = 1 / (1 + e^(lambda/2)).
    double tFromLogSnr(double lambda) const override {
        return 1.0 / (1.0 + std::exp(0.5 * lambda));
    }
};

} // namespace dfs
