// What the likelihood view draws (views/likelihood_view.cpp): log p_t of the scene's model over
// the plane by the probability-flow ODE (Song et al. 2021, App. D.2; diffusion-math.md 1.5 and
// 3.8), beside the closed-form log p_t of the exact GMM (or the ideal denoiser's mixture) and
// their difference, with the mean negative log-likelihood of held-out points.
#pragma once

#include "core/scene/view_data.hpp"

#include <string>

namespace dfs {

struct LikelihoodView {
    PlotBox box;
    TimeInfo time;         ///< log p is at this time (the cursor, at least t_min)
    ScalarGrid model;      ///< log p_t by the ODE, per cell centre (nats)
    ScalarGrid exact;      ///< closed-form log p_t of the reference (nats)
    ScalarGrid difference; ///< model - exact (nats)
    std::string modelName, referenceName;
    std::string solver;       ///< "rk45, rtol 1e-5, atol 1e-5"
    std::string prior, trace; ///< which prior p_1, and how tr dD/dx was computed
    double meanNfe = 0;       ///< evaluations of (u, div u) per point
    // The held-out points: fresh draws of the GMM (else the data's own points).
    long heldOut = 0;
    bool heldOutFresh = false;         ///< true: drawn from the GMM with their own seed
    double nllModel = 0, nllExact = 0; ///< mean -log p, nats
    double bpdModel = 0, bpdExact = 0; ///< the same in bits per dimension
    double seconds = 0;                ///< how long the ODE solves took
};

} // namespace dfs
