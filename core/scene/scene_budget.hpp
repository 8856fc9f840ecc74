// Whether a scene's work fits: the memory of its data and of recording every frame of its run,
// and the work of the ideal denoiser (a softmax over every data point for every particle at
// every step). Estimated from the settings before anything is built (estimateScene, one formula
// for the engine's refusal and the window's question), refused with the estimate and the setting
// to change, and lowered to fit on request (fitSceneToBudget).
#pragma once

#include "core/scene/scene.hpp"

namespace dfs {

/// Most point pairs the ideal denoiser may evaluate over one run (steps x particles x data
/// points; at about 1e9 a second, some minutes).
inline constexpr double kMaxIdealPairs = 2e11;
/// The ideal denoiser's rate, for time estimates (point pairs a second on one core, about).
inline constexpr double kIdealPairsPerSecond = 1e9;
/// A scene is "large" (the window asks before running it) past this fraction of the memory
/// budget or of kMaxIdealPairs (half a minute of the ideal denoiser's work and more).
inline constexpr double kLargeFraction = 0.5;
inline constexpr double kLargeIdealPairs = 3e10;

/// The estimate of a scene's work from its settings.
struct SceneEstimate {
    double dim = 2;        ///< coordinates per point
    double dataPoints = 0; ///< points in the data set
    double particles = 0;
    double frames = 0; ///< recorded frames: steps + 1
    double memoryBytes = 0;
    double idealPairs = 0; ///< steps x particles x data points; 0 unless the ideal denoiser
    double idealSeconds() const { return idealPairs / kIdealPairsPerSecond; }
};

SceneEstimate estimateScene(const Scene& scene);

enum class BudgetVerdict {
    Fits,  ///< runs without asking
    Large, ///< within the limits, but past kLargeFraction of the budget or kLargeIdealPairs
    Over,  ///< refused by requireSceneWithinBudget
};
/// `budgetBytes` is memoryBudgetBytes() outside tests.
BudgetVerdict judgeScene(const SceneEstimate& e, double budgetBytes);

/// Throws UsageError naming the scene setting (and the render flag) when the scene's data and
/// recorded run would exceed the memory budget (memory_budget.hpp), or its ideal denoiser
/// would evaluate more than kMaxIdealPairs point pairs.
void requireSceneWithinBudget(const Scene& scene);

/// The scene with sampler.particles lowered (then sampler.steps, then data.n for a generated
/// data set) until judgeScene says Fits, never below 100 particles, 10 steps or 100 points;
/// every other setting as it was. The result may still not fit (judge it) when those floors
/// are reached or the data are an explicit point set.
Scene fitSceneToBudget(const Scene& scene, double budgetBytes);

} // namespace dfs
