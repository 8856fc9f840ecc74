// The scene's denoiser and run size fitted to its data.
#include "core/scene/scene_fit.hpp"

#include "core/datasets/dataset_registry.hpp"
#include "core/datasets/gmm_file.hpp"
#include "core/datasets/image_datasets.hpp"
#include "core/model/checkpoint.hpp"
#include "core/model/model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace dfs {

bool hasExactDenoiser(const SceneData& data) {
    if (data.points) return false;
    if (data.mixture || isGmmFile(data.dataset)) return true; // a mixture of the user's own
    const auto& sets = builtinDatasets();
    const auto info = std::find_if(sets.begin(), sets.end(),
                                   [&](const DatasetInfo& d) { return d.name == data.dataset; });
    return info != sets.end() && info->isGmm;
}

std::string defaultDenoiser(const SceneData& data) {
    return hasExactDenoiser(data) ? "exact" : "ideal";
}

SceneFit fitSceneToData(const Scene& next, const Scene& previous) {
    SceneFit fit;
    fit.scene = next;
    Scene& s = fit.scene;
    if (isImageDataset(s.data.dataset) && !isImageDataset(previous.data.dataset)) {
        s.sampler.particles = std::min(s.sampler.particles, kImageSceneParticles);
        s.sampler.steps = std::min(s.sampler.steps, kImageSceneSteps);
        fit.imageLimits = true;
    }
    if (s.model.denoiser == "exact" && !hasExactDenoiser(s.data)) {
        s.model.denoiser = "ideal";
        fit.exactToIdeal = true;
    }
    if (s.model.denoiserBelow == "exact" && !hasExactDenoiser(s.data))
        s.model.denoiserBelow = "ideal"; // the untied network below the split, likewise
    const bool dataChanged =
        s.data.dataset != previous.data.dataset || s.data.resolution != previous.data.resolution;
    if (isCheckpointPath(s.model.denoiser) && dataChanged && !s.data.points) {
        CheckpointInfo info;
        const auto model = loadCheckpoint(s.model.denoiser, &info);
        const int dim = isImageDataset(s.data.dataset)
                            ? (s.data.resolution ? s.data.resolution : 28) *
                                  (s.data.resolution ? s.data.resolution : 28)
                            : 2;
        const std::string file = std::filesystem::path(s.model.denoiser).filename().string();
        if (model->spec.dim != dim) {
            s.model.denoiser = defaultDenoiser(s.data);
            fit.modelNote =
                fmt::format("{} takes {}-dimensional data and {} has {}: using the {} "
                            "denoiser",
                            file, model->spec.dim, s.data.dataset, dim, s.model.denoiser);
        } else if (!info.dataset.empty() && info.dataset != s.data.dataset) {
            fit.modelNote = fmt::format("{} was trained on {}, not {}: it shows what it learned "
                                        "there",
                                        file, info.dataset, s.data.dataset);
        }
    }
    return fit;
}

} // namespace dfs
