// A scene: everything the explorer shows, as plain settings. The GUI saves and restores it, and
// `diffuscope-cli render --scene` renders the same file. Stored as versioned JSON (scene_io.hpp).
#pragma once

#include "core/datasets/point_set.hpp"
#include "core/samplers/sampler.hpp"
#include "core/types.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dfs {

/// Newest scene format this program reads and the one it writes.
inline constexpr int kSceneVersion = 1;
/// Most particles a scene may ask for (the GUI stays interactive up to 10^5).
inline constexpr long kMaxSceneParticles = 1'000'000;
/// Most particles the trajectories view draws as whole paths.
inline constexpr int kMaxScenePaths = 20000;

struct SceneData {
    std::string dataset = "gmm8"; ///< built-in name or CSV path
    long n = 2000;
    double noise = -1; ///< negative: the dataset's default
    std::uint64_t seed = 0;
    int resolution = 0; ///< image datasets: side 8, 16 or 28 (0: 28)
    /// Points edited by hand replace the generated dataset when present (kept with the scene).
    std::optional<Matrix> points;
    std::vector<int> labels; ///< labels of the edited points (empty: none)
    /// A Gaussian mixture edited in the window (components added, moved, resized, reweighted):
    /// sampled instead of the dataset, with its exact denoiser; kept with the scene. Edited
    /// points, when present, win over it.
    std::optional<GmmParams> mixture;
};

struct SceneModel {
    std::string denoiser = "exact"; ///< exact, ideal or a .dsm path
    /// Untied networks (diffusion-math.md 1.6): when not empty, this denoiser (exact, ideal or a
    /// .dsm path) serves the levels with sigma/alpha < sigmaSplit and `denoiser` those at or
    /// above it. Empty: one network at every level (tied).
    std::string denoiserBelow;
    double sigmaSplit = 1.0; ///< in sigma~ = sigma/alpha; used only with denoiserBelow
    std::string schedule = "vp-linear";
    int label = -1;        ///< class to condition on; -1 none
    double guidance = 1.0; ///< classifier-free guidance scale
};

struct SceneSampler {
    std::string sampler = "heun";
    int steps = 50;
    std::string spacing; ///< empty: the sampler's default grid
    double rho = 7.0;
    SamplerOptions options;
    std::uint64_t seed = 0;
    long particles = 2000;
};

struct SceneView {
    double t = 0.15; ///< the shared time cursor (chain, field, filmstrip, spectrum)
    int frame = -1;  ///< sampler frame shown; -1: the last
    /// The 2x2 panes, by registered view name (view_registry.hpp); the engine swaps views that
    /// do not fit the data (2-D or images) for ones that do.
    std::array<std::string, 4> panes{"chain", "field", "trajectories", "density"};
    std::string fieldQuantity = "score"; ///< x0, eps, v, score, velocity (x0 shows D(x) - x)
    bool streamlines = false;            ///< field drawn as streamlines instead of arrows
    double extent = 3.0;                 ///< half-width of the plotted square
    int fieldGrid = 32;                  ///< arrows per side
    long highlight = 0;                  ///< highlighted particle
    /// Trajectories: how many particles are drawn as whole paths (evenly spaced through the
    /// run's particles) and the paths' opacity in (0, 1]. Thousands of stochastic paths read
    /// better as a few hundred faint ones.
    int paths = 400;
    double pathOpacity = 0.43;
    /// The sensitivity view's backpropagation-through-time target m: the gradient of
    /// ||x_i - m||^2 with respect to x_T is drawn on the starting points. Set by a click in that
    /// view; absent: the data mean.
    std::optional<std::array<double, 2>> target;
    /// Trajectories: the particles at the frame coloured by "time" (one colour) or by their
    /// "log-likelihood" log p_t through the PF-ODE (core/scene/particle_likelihood.hpp).
    std::string particleColour = "time";
};

struct Scene {
    /// A guided scene's heading and what to look at (the examples gallery and the perspectives'
    /// presets show them); empty for a user's own scene.
    std::string title, about;
    SceneData data;
    SceneModel model;
    SceneSampler sampler;
    SceneView view;
};

/// Throws UsageError naming the setting (as `section.key`) for a value out of range.
void validateScene(const Scene& scene);

} // namespace dfs
