// Estimates of a scene's memory and work from its settings, before it is built.
#include "core/scene/scene_budget.hpp"

#include "core/datasets/image_datasets.hpp"
#include "core/errors.hpp"
#include "core/memory_budget.hpp"

#include <fmt/format.h>

namespace dfs {

void requireSceneWithinBudget(const Scene& scene) {
    const SceneData& d = scene.data;
    double dim = 2;
    if (d.points)
        dim = double(d.points->cols());
    else if (!d.mixture && isImageDataset(d.dataset)) {
        const double side = d.resolution > 0 ? d.resolution : 28;
        dim = side * side;
    }
    const double points = d.points ? double(d.points->rows()) : double(d.n);
    const double particles = double(scene.sampler.particles);
    const double frames = double(scene.sampler.steps) + 1;
    // Each recorded frame keeps x, x0_hat and eps_hat for every particle (doubles).
    const double bytes = 8.0 * dim * (points + 3.0 * frames * particles);
    requireWithinMemoryBudget(
        bytes,
        fmt::format("the scene ({:g} data points, {:g} frames of {:g} particles)", points, frames,
                    particles),
        "lower data.n, sampler.steps or sampler.particles (render: --data-n, --steps, --n)");
    if (scene.model.denoiser == "ideal") {
        const double pairs = double(scene.sampler.steps) * particles * points;
        if (pairs > kMaxIdealPairs)
            throw UsageError(fmt::format(
                "the ideal denoiser would weigh {:.2g} point pairs over the run ({} steps x {:g} "
                "particles x {:g} data points), more than the limit of {:g} (minutes of work); "
                "lower data.n, sampler.particles or sampler.steps (render: --data-n, --n, --steps)",
                pairs, scene.sampler.steps, particles, points, kMaxIdealPairs));
    }
}

} // namespace dfs
