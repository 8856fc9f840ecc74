// Implied loss weightings relative to x0-MSE (diffusion-math.md Section 2.3).
#include "core/metrics/implied_weighting.hpp"

namespace dfs {

ImpliedWeights impliedWeights(const NoiseLevel& l) {
    const double a2 = l.alpha * l.alpha, s2 = l.sigma * l.sigma;
    const double u = l.alphaDot - l.sigmaDot * l.alpha / l.sigma;
    return {a2 / s2, (a2 + s2) * (a2 + s2) / s2, u * u, a2 / (s2 * s2)};
}

} // namespace dfs
