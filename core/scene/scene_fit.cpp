// The scene's denoiser and run size fitted to its data.
#include "core/scene/scene_fit.hpp"

#include "core/datasets/dataset_registry.hpp"
#include "core/datasets/gmm_file.hpp"
#include "core/datasets/image_datasets.hpp"

#include <algorithm>

namespace dfs {

bool hasExactDenoiser(const SceneData& data) {
    if (data.points) return false;
    if (isGmmFile(data.dataset)) return true; // a mixture of the user's own
    const auto& sets = builtinDatasets();
    const auto info = std::find_if(sets.begin(), sets.end(),
                                   [&](const DatasetInfo& d) { return d.name == data.dataset; });
    return info != sets.end() && info->isGmm;
}

std::string defaultDenoiser(const SceneData& data) {
    return hasExactDenoiser(data) ? "exact" : "ideal";
}

SceneFit fitSceneToData(const Scene& next, const Scene& previous) {
    SceneFit fit{next};
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
    return fit;
}

} // namespace dfs
