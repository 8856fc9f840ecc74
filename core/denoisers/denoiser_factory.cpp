// Denoisers by name.
#include "core/denoisers/denoiser_factory.hpp"

#include "core/denoisers/gmm_denoiser.hpp"
#include "core/denoisers/guided_denoiser.hpp"
#include "core/denoisers/ideal_denoiser.hpp"
#include "core/denoisers/learned_denoiser.hpp"
#include "core/denoisers/split_denoiser.hpp"
#include "core/errors.hpp"
#include "core/model/checkpoint.hpp"

#include <cmath>

#include <fmt/format.h>

namespace dfs {

namespace {

/// The unconditional (label < 0) or class-conditional denoiser of one kind.
std::unique_ptr<Denoiser> makeOne(const std::string& name, const PointSet& data, int label,
                                  const std::shared_ptr<const Model>& learned) {
    if (learned) return std::make_unique<LearnedDenoiser>(learned, label);
    if (name == "exact") {
        if (!data.gmm)
            throw UsageError(fmt::format(
                "--denoiser exact needs a Gaussian-mixture dataset (gmm8, gmm25, gmm:FILE.json); "
                "'{}' has no closed form, use --denoiser ideal",
                data.name));
        if (label < 0) return std::make_unique<GmmDenoiser>(*data.gmm);
        if (label >= data.gmm->size())
            throw UsageError(fmt::format("--class must be in [0, {}) for {} (got {})",
                                         data.gmm->size(), data.name, label));
        // p(x0 | y = k) of a labelled mixture is its component k (diffusion-math.md 3.9).
        const auto k = std::size_t(label);
        return std::make_unique<GmmDenoiser>(
            GmmParams{{1.0}, {data.gmm->means[k]}, {data.gmm->covs[k]}});
    }
    if (name == "ideal") {
        if (label < 0) return std::make_unique<IdealDenoiser>(data.points);
        std::vector<Index> rows;
        for (std::size_t i = 0; i < data.labels.size(); ++i)
            if (data.labels[i] == label) rows.push_back(Index(i));
        if (rows.empty())
            throw UsageError(
                fmt::format("--class {}: no points of {} carry that label", label, data.name));
        return std::make_unique<IdealDenoiser>(data.points(rows, Eigen::all));
    }
    throw UsageError(fmt::format(
        "unknown denoiser '{}' (choose from exact, ideal, or a .dsm model file)", name));
}

} // namespace

std::unique_ptr<Denoiser> makeDenoiser(const std::string& name, const PointSet& data,
                                       const DenoiserOptions& options) {
    if (!std::isfinite(options.guidance))
        throw UsageError(fmt::format("--guidance must be finite (got {})", options.guidance));
    if (options.label < 0 && options.guidance != 1.0)
        throw UsageError("--guidance needs --class: it mixes the class-conditional and the "
                         "unconditional denoiser");
    std::shared_ptr<const Model> learned;
    if (isCheckpointPath(name)) {
        learned = loadCheckpoint(name);
        if (learned->spec.dim != data.dim())
            throw UsageError(fmt::format("{} models {}-D data, the dataset {} is {}-D", name,
                                         learned->spec.dim, data.name, data.dim()));
        if (options.label >= 0 && learned->spec.classes == 0)
            throw UsageError(fmt::format("{} is unconditional: train with --conditional to use "
                                         "--class",
                                         name));
    }
    auto conditional = makeOne(name, data, options.label, learned);
    if (options.label < 0 || options.guidance == 1.0) return conditional;
    return std::make_unique<GuidedDenoiser>(std::move(conditional),
                                            makeOne(name, data, -1, learned), options.guidance);
}

std::unique_ptr<Denoiser> makeDenoiser(const std::string& name, const std::string& below,
                                       double sigmaSplit, const PointSet& data,
                                       const DenoiserOptions& options) {
    if (below.empty()) return makeDenoiser(name, data, options);
    if (std::isnan(sigmaSplit) || sigmaSplit < 0)
        throw UsageError(fmt::format("--sigma-split must be >= 0 (got {})", sigmaSplit));
    return std::make_unique<SplitDenoiser>(makeDenoiser(name, data, options),
                                           makeDenoiser(below, data, options), sigmaSplit);
}

std::vector<std::pair<std::string, std::string>> listDenoisers() {
    return {{"exact", "closed-form E[x0|x_t] of a Gaussian mixture (gmm8, gmm25, gmm:FILE.json)"},
            {"ideal", "exact E[x0|x_t] of the finite training set: softmax-weighted mean of its "
                      "points (it memorises)"},
            {"FILE.dsm", "a model trained with 'diffuscope-cli train'"}};
}

} // namespace dfs
