// The engine's sampler run unrolled into cells for one particle (core/samplers/step_jacobian.hpp):
// shared by the recurrent-network views (rnn-cells, sensitivity) and their tables.
#pragma once

#include "core/samplers/step_jacobian.hpp"

#include <string>

namespace dfs {

class SceneEngine;

namespace views {

/// Run particle `particle` of the engine's run from its x_T (frame 0) through the run's grid
/// with the scene's current sampler settings. After a branch the steps before it are retraced
/// with the new settings (the unrolled run is the run the current settings make from x_T).
/// UsageError for a particle out of range, image data or a sampler that is not an affine cell.
UnrolledJacobian unrollParticle(const SceneEngine& engine, long particle);

/// The highlighted particle (SceneView::highlight), clamped to the run's particles.
long highlightedParticle(const SceneEngine& engine);

} // namespace views
} // namespace dfs
