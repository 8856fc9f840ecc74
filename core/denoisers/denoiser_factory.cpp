// Denoisers by name.
#include "core/denoisers/denoiser_factory.hpp"

#include "core/denoisers/gmm_denoiser.hpp"
#include "core/denoisers/ideal_denoiser.hpp"
#include "core/errors.hpp"

#include <fmt/format.h>

namespace dfs {

std::unique_ptr<Denoiser> makeDenoiser(const std::string& name, const PointSet& data) {
    if (name == "exact") {
        if (!data.gmm)
            throw UsageError(fmt::format(
                "--denoiser exact needs a Gaussian-mixture dataset (gmm8, gmm25); '{}' has no "
                "closed form, use --denoiser ideal",
                data.name));
        return std::make_unique<GmmDenoiser>(*data.gmm);
    }
    if (name == "ideal") return std::make_unique<IdealDenoiser>(data.points);
    throw UsageError(fmt::format("unknown denoiser '{}' (choose from exact, ideal)", name));
}

std::vector<std::pair<std::string, std::string>> listDenoisers() {
    return {{"exact", "closed-form E[x0|x_t] of a Gaussian mixture (gmm8, gmm25)"},
            {"ideal", "exact E[x0|x_t] of the finite training set: softmax-weighted mean of its "
                      "points (it memorises)"}};
}

} // namespace dfs
