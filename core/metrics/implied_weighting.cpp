// Implied loss weightings relative to x0-MSE (diffusion-math.md Section 2.3).
#include "core/metrics/implied_weighting.hpp"

#include "core/parameterisation.hpp"

namespace dfs {

ImpliedWeights impliedWeights(const NoiseLevel& l) {
    const auto k = [&](Prediction p) { return predictionErrorFactor(p, l, 1.0); };
    return {k(Prediction::Eps), k(Prediction::V), k(Prediction::Velocity), k(Prediction::Score)};
}

} // namespace dfs
