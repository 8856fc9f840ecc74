// Whether a scene's work fits: the memory of its data and of recording every frame of its run,
// and the work of the ideal denoiser (a softmax over every data point for every particle at
// every step). Checked before anything is built, with the estimate and the setting to change.
#pragma once

#include "core/scene/scene.hpp"

namespace dfs {

/// Most point pairs the ideal denoiser may evaluate over one run (steps x particles x data
/// points; at about 1e9 a second, some minutes).
inline constexpr double kMaxIdealPairs = 2e11;

/// Throws UsageError naming the scene setting (and the render flag) when the scene's data and
/// recorded run would exceed the memory budget (memory_budget.hpp), or its ideal denoiser
/// would evaluate more than kMaxIdealPairs point pairs.
void requireSceneWithinBudget(const Scene& scene);

} // namespace dfs
