// One view's content at a frame (trajectories, density) or a time (chain, field): the unit the
// GUI's worker sends to the UI thread and the exporter renders.
#pragma once

#include "core/scene/scene.hpp"
#include "core/scene/view_data.hpp"

#include <variant>

namespace dfs {

class SceneEngine;

using ViewSnapshot = std::variant<ChainView, FieldView, TrajectoryView, DensityView,
                                  ImageGridView, SpectrumView>;

/// The view of `kind`: chain, field, filmstrip and spectrum at time t; trajectories, density,
/// samples and posterior at frame `frame`. UsageError for a view that does not fit the data.
ViewSnapshot makeSnapshot(const SceneEngine& engine, ViewKind kind, int frame, double t);

/// The settings in one line for captions: "gmm8, vp-linear, heun 50 steps, exact".
std::string sceneCaption(const Scene& scene);

} // namespace dfs
