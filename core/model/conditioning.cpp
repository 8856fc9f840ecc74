// The network's input scaling and noise conditioning (Karras et al. 2022, Table 1).
#include "core/model/conditioning.hpp"

#include <algorithm>
#include <cmath>

namespace dfs {

double inputScale(const NoiseLevel& l, double sd) {
    return 1.0 / std::sqrt(l.sigma * l.sigma + l.alpha * l.alpha * sd * sd);
}

double noiseConditioning(const NoiseLevel& l) {
    const double st = std::clamp(l.sigma / l.alpha, 1e-8, 1e8); // alpha = 0 gives +inf -> 1e8
    return 0.25 * std::log(st);
}

} // namespace dfs
