// Fitting a scene's model and sampler to its data: the policy the window (on every panel edit)
// and `diffuscope-cli demo` share, so that they choose the same denoiser for the same data.
#pragma once

#include "core/scene/scene.hpp"

#include <string>

namespace dfs {

/// Most particles and steps a run starts with on moving to image data, so that the ideal
/// denoiser over thousands of training images stays interactive.
inline constexpr long kImageSceneParticles = 16;
inline constexpr int kImageSceneSteps = 30;

/// Whether the `exact` denoiser works on this data: a built-in mixture dataset, a mixture file
/// (gmm:FILE.json) or a mixture edited in the window, whose points were not edited by hand.
bool hasExactDenoiser(const SceneData& data);

/// The denoiser for data when none is chosen: `exact` where hasExactDenoiser, else `ideal`.
std::string defaultDenoiser(const SceneData& data);

/// A scene fitted to its data, and what the fit changed (for the caller to tell the user).
struct SceneFit {
    Scene scene;
    bool imageLimits = false;  ///< particles and steps lowered to the image limits
    bool exactToIdeal = false; ///< `exact` asked for on data without it: `ideal` instead
    /// A learned model that cannot take this data (another dimension) was swapped for the
    /// data's default denoiser, or one that can was trained on other data: a sentence saying
    /// which (empty: nothing to say).
    std::string modelNote;
};

/// `next` fitted to its data, coming from `previous`: on a move from 2-D to image data, at
/// most kImageSceneParticles particles and kImageSceneSteps steps; `exact` where the data has no
/// exact denoiser becomes `ideal`; on a change of data, a learned model (.dsm) of another
/// dimension than the data becomes the data's default denoiser, and one of the same dimension
/// trained on other data is kept with a note. Everything else stays as in `next`. DataError for
/// a model file that cannot be read.
SceneFit fitSceneToData(const Scene& next, const Scene& previous);

} // namespace dfs
