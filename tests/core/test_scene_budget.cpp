// The scene's budget: the estimate from its settings (closed form), the verdict, the refusal
// (the same estimate) and the fit that lowers particles, then steps, then data points.
#include "core/errors.hpp"
#include "core/scene/builtin_scenes.hpp"
#include "core/scene/scene_budget.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace dfs;

namespace {

Scene sceneWith(long n, int steps, long particles, const std::string& denoiser = "exact") {
    Scene s;
    s.data.dataset = "gmm8";
    s.data.n = n;
    s.sampler.steps = steps;
    s.sampler.particles = particles;
    s.model.denoiser = denoiser;
    return s;
}

} // namespace

TEST_CASE("scene estimate: memory and ideal-denoiser pairs in closed form", "[budget]") {
    const SceneEstimate e = estimateScene(sceneWith(1000, 49, 300, "ideal"));
    CHECK(e.dim == 2);
    CHECK(e.frames == 50);
    // 8 bytes x 2 coordinates x (1000 data points + 3 arrays x 50 frames x 300 particles)
    CHECK(e.memoryBytes == 8.0 * 2 * (1000 + 3.0 * 50 * 300));
    CHECK(e.idealPairs == 49.0 * 300 * 1000);
    CHECK(estimateScene(sceneWith(1000, 49, 300, "exact")).idealPairs == 0);
    Scene img = sceneWith(10, 9, 4);
    img.data.dataset = "shapes";
    img.data.resolution = 16;
    CHECK(estimateScene(img).dim == 256);
}

TEST_CASE("scene verdict: fits, large past half the budget, over past it", "[budget]") {
    const double budget = 1e9;
    const double per = 8.0 * 2 * 3 * 51; // bytes per particle over 51 frames
    CHECK(judgeScene(estimateScene(sceneWith(100, 50, 1000)), budget) == BudgetVerdict::Fits);
    CHECK(judgeScene(estimateScene(sceneWith(100, 50, long(0.6e9 / per))), budget) ==
          BudgetVerdict::Large);
    CHECK(judgeScene(estimateScene(sceneWith(100, 50, long(1.1e9 / per))), budget) ==
          BudgetVerdict::Over);
    // The ideal denoiser's work alone: 1e3 steps x 1e4 particles x 1e4 points = 1e11 pairs.
    CHECK(judgeScene(estimateScene(sceneWith(10000, 1000, 10000, "ideal")), 1e15) ==
          BudgetVerdict::Large);
    CHECK(judgeScene(estimateScene(sceneWith(10000, 1000, 10000, "exact")), 1e15) ==
          BudgetVerdict::Fits);
}

TEST_CASE("scene fit: particles first, then steps; the result passes the refusal", "[budget]") {
    ::setenv("DIFFUSCOPE_MEMORY_BUDGET", "64M", 1);
    const double budget = 64.0 * (1 << 20);
    const Scene over = sceneWith(2000, 1000, 1000000);
    CHECK(judgeScene(estimateScene(over), budget) == BudgetVerdict::Over);
    CHECK_THROWS_AS(requireSceneWithinBudget(over), UsageError);
    const Scene fit = fitSceneToBudget(over, budget);
    CHECK(judgeScene(estimateScene(fit), budget) == BudgetVerdict::Fits);
    CHECK_NOTHROW(requireSceneWithinBudget(fit));
    CHECK(fit.sampler.steps == 1000); // particles alone were enough
    CHECK(fit.data.n == 2000);
    CHECK(fit.sampler.particles < 1000000);
    CHECK(fit.sampler.particles >= 100);
    // Close to the most that fits: half the budget over 8 x 2 x 3 x 1001 bytes per particle.
    const double most = (0.5 * budget / (8.0 * 2) - 2000) / (3.0 * 1001);
    CHECK(double(fit.sampler.particles) <= most);
    CHECK(double(fit.sampler.particles) > 0.85 * most);
    // Too many steps for even 100 particles: steps come down too.
    const Scene steps = fitSceneToBudget(sceneWith(2000, 100000, 1000000), budget);
    CHECK(steps.sampler.particles == 100);
    CHECK(steps.sampler.steps < 100000);
    CHECK_NOTHROW(requireSceneWithinBudget(steps));
    // A scene that fits is left as it is.
    const Scene small = sceneWith(2000, 50, 2000);
    CHECK(fitSceneToBudget(small, budget).sampler.particles == 2000);
    ::unsetenv("DIFFUSCOPE_MEMORY_BUDGET");
}

TEST_CASE("scene budget: every built-in scene runs without the window asking", "[budget]") {
    // A 2 GiB budget: a quarter of an 8 GiB machine. The examples and the perspectives' presets
    // must open without a question.
    for (const std::string& name : builtinSceneNames()) {
        const SceneEstimate e = estimateScene(builtinScene(name));
        INFO(name << ": " << e.memoryBytes << " bytes, " << e.idealPairs << " pairs");
        CHECK(judgeScene(e, 2.0 * (1 << 30)) == BudgetVerdict::Fits);
    }
}
