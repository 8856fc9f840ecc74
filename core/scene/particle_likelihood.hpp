// The trajectories view's "log-likelihood" colouring: each particle's log p_t at the frame's
// time t through the probability-flow ODE with the scene's model (core/samplers/
// points_likelihood.hpp; diffusion-math.md 3.8), beside the closed form of the exact GMM or the
// ideal denoiser. Computed where the view is built (the GUI's scene worker), for at most 2000
// particles evenly spaced through the run (the rest stay NaN, drawn grey); the last result is
// kept, so repainting and exporting reuse it.
#pragma once

#include "core/scene/view_data.hpp"

#include <memory>

namespace dfs {

class SceneEngine;
struct Frame;

/// Fills v.logp, v.logpExact, v.logpLow, v.logpHigh and v.logpNote for the particles of `frame`
/// (v.current). A model whose divergence has no exact form leaves logp empty and says why.
void addParticleLikelihood(const SceneEngine& engine, const std::shared_ptr<const Frame>& frame,
                           TrajectoryView& v);

} // namespace dfs
