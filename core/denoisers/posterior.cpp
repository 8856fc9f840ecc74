// Posterior summaries shared by the exact and ideal posteriors, and the factory.
#include "core/denoisers/posterior.hpp"

#include "core/denoisers/gmm_denoiser.hpp"
#include "core/denoisers/gmm_posterior.hpp"
#include "core/denoisers/ideal_denoiser.hpp"
#include "core/denoisers/ideal_posterior.hpp"
#include "core/denoisers/split_denoiser.hpp"
#include "core/errors.hpp"

#include <cmath>
#include <fmt/format.h>

namespace dfs {

double weightsEffectiveCount(const Vector& weights) {
    return 1.0 / weights.squaredNorm();
}

double weightsEntropy(const Vector& weights) {
    double h = 0;
    for (Index i = 0; i < weights.size(); ++i)
        if (weights[i] > 0) h -= weights[i] * std::log(weights[i]);
    return h;
}

std::unique_ptr<ExactPosterior> exactPosterior(const Denoiser& model, const NoiseLevel& level) {
    if (!(level.sigma > 0))
        throw UsageError(
            fmt::format("the posterior p(x0 | x_t) needs sigma > 0 (t = {})", level.t));
    if (const auto* split = dynamic_cast<const SplitDenoiser*>(&model)) // the level's network
        return exactPosterior(split->at(level), level);
    if (const auto* gmm = dynamic_cast<const GmmDenoiser*>(&model))
        return std::make_unique<GmmPosterior>(gmm->params(), level);
    if (const auto* ideal = dynamic_cast<const IdealDenoiser*>(&model))
        return std::make_unique<IdealPosterior>(ideal->train(), level);
    return nullptr;
}

} // namespace dfs
