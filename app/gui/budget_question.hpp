// The window asks before work the memory budget refuses or that is large (core/memory_budget.hpp,
// core/scene/scene_budget.hpp, trainingMemoryBytes): a question naming the estimate, the budget
// and the setting to change. Over the budget: "Fit to budget" (the lowered settings in the
// button) or Cancel; past half of it (or a long ideal-denoiser run): Continue or Cancel. Cancel
// changes nothing. The box is a QMessageBox named "budgetQuestion", its buttons "budgetFit",
// "budgetContinue" and "budgetCancel" (tests answer it by those names).
#pragma once

#include "core/scene/scene.hpp"

#include <QList>
#include <optional>

class QWidget;

namespace dfs {
struct ModelSpec;
}

namespace dfs::gui {

/// The scene to run instead of `next` (itself, or fitted to the budget), or nothing when the
/// user cancels. Asks when `next` is over the budget, or large and larger than `current` (the
/// scene running now: a change that does not grow the work is not asked about again).
std::optional<Scene> askSceneBudget(QWidget* parent, const Scene& next, const Scene& current);

/// The width to train with: `spec.width` itself, or the widest of `widths` that fits the
/// budget (MLP), or nothing when the user cancels. `spec` is the model as the trainer will
/// build it (dim set), trained with batches of `batch`.
std::optional<int> askTrainingBudget(QWidget* parent, const ModelSpec& spec, int batch,
                                     const QList<int>& widths);

} // namespace dfs::gui
