// What the expectation view draws (core/scene/views/expectation_view.cpp): the posterior
// p(x0 | x_t = x) at the highlighted particle, with Monte Carlo estimates of its mean.
#pragma once

#include "core/scene/view_data.hpp"

#include <string>
#include <vector>

namespace dfs {

struct ExpectationView {
    PlotBox box;
    TimeInfo time;          ///< the frame's time (the posterior is taken at max(t, 1e-3))
    std::string reference;  ///< "exact" (mixture components) or "ideal" (training points)
    long particle = 0;      ///< the highlighted particle (-2: one dropped with the mouse)
    double x[2]{};          ///< the query x_t
    double xOverAlpha[2]{}; ///< x_t / alpha: where the posterior mean starts at low noise
    double mean[2]{};       ///< D*(x) = E[x0 | x_t = x]
    double cov[3]{};        ///< Cov[x0 | x_t]: xx, xy, yy
    double effectiveCount = 1, entropy = 0; ///< of the weights, entropy in nats
    /// Exact GMM: each component's posterior mean (x, y pairs), covariance (xx, xy, yy) and
    /// responsibility.
    std::vector<float> componentMean, componentCov, componentWeight;
    /// Ideal denoiser: the training points (x, y pairs) and their weights.
    std::vector<float> points, pointWeight;
    /// Monte Carlo estimates of D from the first K posterior draws (nested), x, y pairs.
    std::vector<int> mcDraws;
    std::vector<float> mcMean;
    bool hasModel = false; ///< a learned model: its D_theta(x) beside D*
    std::string model;
    double modelMean[2]{};
    std::vector<float> data; ///< a thinned copy of the data, drawn faintly (GMM data)
};

} // namespace dfs
