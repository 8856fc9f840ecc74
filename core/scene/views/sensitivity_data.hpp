// What the sensitivity view draws (core/scene/views/sensitivity_view.cpp): for a few dozen
// particles, the image of a small circle around x_T under the run's Jacobian dx_i/dx_T, and
// "backpropagation through time": the gradient of ||x_i - target||^2 with respect to x_T.
#pragma once

#include "core/scene/view_data.hpp"

#include <string>
#include <vector>

namespace dfs {

struct SensitivityView {
    PlotBox box;
    TimeInfo time; ///< the shown frame's time (x_i is the particles' state there)
    std::string sampler, network;
    int frame = 0;
    bool exactJacobian = true;  ///< false: J_D by central differences
    std::vector<float> data;    ///< a thinned copy of the data, drawn faintly (x, y pairs)
    std::vector<float> samples; ///< every particle at the shown frame (thinned), x, y pairs
    /// The probed particles: their indices, x_T and x_i (x, y pairs), J = dx_i/dx_T (row-major,
    /// 4 numbers each), and g = d||x_i - target||^2 / dx_T = 2 J^T (x_i - target) (x, y pairs).
    std::vector<long> particles;
    std::vector<double> start, end, jacobian, gradient;
    double radius = 0.1; ///< the circle around x_T whose image J (circle) is drawn at x_i
    double target[2]{};  ///< the point the objective pulls towards
    std::string targetLabel = "data mean";
};

} // namespace dfs
