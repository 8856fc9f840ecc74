// What the elbo view draws (core/scene/views/elbo_view.cpp): the chain's negative ELBO split into
// its terms (core/metrics/chain_elbo.hpp) for the scene's denoiser with T = the sampler's steps,
// and the exact -E log p_0 where the data are a Gaussian mixture.
#pragma once

#include "core/scene/view_data.hpp"

#include <string>
#include <vector>

namespace dfs {

struct ElboView {
    TimeInfo time;     ///< the time cursor
    std::string model; ///< the scene's denoiser ("exact", "ideal", a file)
    int steps = 0;     ///< T
    int dim = 2;
    long samples = 0;       ///< data points averaged over
    int discreteLevels = 0; ///< images: 256 (the discretised decoder, chain_elbo.hpp); 0: 2-D
    /// Per step from the decoder's end to the prior's: logSNR at its two ends (s < t in time,
    /// so logSnrS > logSnrT), its KL in nats and the standard error.
    std::vector<double> logSnrS, logSnrT, kl, klSe;
    double prior = 0, reconstruction = 0, decoderStd = 0;
    double total = 0, totalSe = 0, bitsPerDim = 0; ///< the negative ELBO per data point
    bool hasExact = false;
    double exactNll = 0, gapSe = 0; ///< -E log p_0 on the same points; s.e. of total - exactNll
    /// For a learned model, the same bound of its exact or ideal reference on the same points
    /// and noise (empty name: none): its steps' KL, prior + reconstruction, and total.
    std::string reference;
    std::vector<double> referenceKl;
    double referenceEnds = 0, referenceTotal = 0, referenceBitsPerDim = 0;
};

} // namespace dfs
