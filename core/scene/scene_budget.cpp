// Estimates of a scene's memory and work from its settings, before it is built.
#include "core/scene/scene_budget.hpp"

#include "core/datasets/image_datasets.hpp"
#include "core/errors.hpp"
#include "core/memory_budget.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace dfs {

SceneEstimate estimateScene(const Scene& scene) {
    const SceneData& d = scene.data;
    SceneEstimate e;
    if (d.points)
        e.dim = double(d.points->cols());
    else if (!d.mixture && isImageDataset(d.dataset)) {
        const double side = d.resolution > 0 ? d.resolution : 28;
        e.dim = side * side;
    }
    e.dataPoints = d.points ? double(d.points->rows()) : double(d.n);
    e.particles = double(scene.sampler.particles);
    e.frames = double(scene.sampler.steps) + 1;
    // Each recorded frame keeps x, x0_hat and eps_hat for every particle (doubles).
    e.memoryBytes = 8.0 * e.dim * (e.dataPoints + 3.0 * e.frames * e.particles);
    if (scene.model.denoiser == "ideal")
        e.idealPairs = double(scene.sampler.steps) * e.particles * e.dataPoints;
    return e;
}

BudgetVerdict judgeScene(const SceneEstimate& e, double budgetBytes) {
    if (e.memoryBytes > budgetBytes || e.idealPairs > kMaxIdealPairs) return BudgetVerdict::Over;
    if (e.memoryBytes > kLargeFraction * budgetBytes || e.idealPairs > kLargeIdealPairs)
        return BudgetVerdict::Large;
    return BudgetVerdict::Fits;
}

void requireSceneWithinBudget(const Scene& scene) {
    const SceneEstimate e = estimateScene(scene);
    requireWithinMemoryBudget(
        e.memoryBytes,
        fmt::format("the scene ({:g} data points, {:g} frames of {:g} particles)", e.dataPoints,
                    e.frames, e.particles),
        "lower data.n, sampler.steps or sampler.particles (render: --data-n, --steps, --n)");
    if (e.idealPairs > kMaxIdealPairs)
        throw UsageError(fmt::format(
            "the ideal denoiser would weigh {:.2g} point pairs over the run ({} steps x {:g} "
            "particles x {:g} data points), more than the limit of {:g} (minutes of work); "
            "lower data.n, sampler.particles or sampler.steps (render: --data-n, --n, --steps)",
            e.idealPairs, scene.sampler.steps, e.particles, e.dataPoints, kMaxIdealPairs));
}

namespace {
constexpr long kFloorParticles = 100, kFloorN = 100;
constexpr int kFloorSteps = 10;

/// `v` times `f`, rounded down to two significant digits (a number one can read on a button),
/// at least `floor` and below `v`.
long lowered(long v, double f, long floor) {
    const double x = std::max(1.0, double(v) * f);
    const double unit = std::pow(10.0, std::max(0.0, std::floor(std::log10(x)) - 1));
    return std::max(floor, std::min(v - 1, long(std::floor(x / unit) * unit)));
}
} // namespace

Scene fitSceneToBudget(const Scene& scene, double budgetBytes) {
    Scene s = scene;
    // Each pass scales one setting by the factor the worse of the two estimates is over its
    // target (memory is affine in each setting, so a few passes settle it).
    for (int pass = 0; pass < 200; ++pass) {
        const SceneEstimate e = estimateScene(s);
        if (judgeScene(e, budgetBytes) == BudgetVerdict::Fits) break;
        const double over = std::max(e.memoryBytes / (kLargeFraction * budgetBytes),
                                     e.idealPairs / kLargeIdealPairs);
        const double f = std::min(0.95, 1.0 / over);
        if (s.sampler.particles > kFloorParticles)
            s.sampler.particles = lowered(s.sampler.particles, f, kFloorParticles);
        else if (s.sampler.steps > kFloorSteps)
            s.sampler.steps = int(lowered(s.sampler.steps, f, kFloorSteps));
        else if (!s.data.points && s.data.n > kFloorN)
            s.data.n = lowered(s.data.n, f, kFloorN);
        else
            break; // the floors are reached: the caller judges what is left
    }
    return s;
}

} // namespace dfs
