// The computation behind the explorer and `diffuscope-cli render`: builds a scene's data,
// schedule and denoiser, records a sampler run frame by frame (forward, back, branch), and
// computes what each view draws. Owned by one thread (the GUI's worker); its results are
// immutable values that may be handed to other threads.
#pragma once

#include "core/datasets/point_set.hpp"
#include "core/scene/scene.hpp"
#include "core/scene/view_data.hpp"

#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace dfs {

class Backend;
class Denoiser;
class Schedule;
class SamplerRun;
struct Frame;
struct SamplerRunConfig;

/// The points of a scene's data: the edited points, else the built-in, image or CSV dataset.
/// Throws UsageError or DataError; the explorer shows 2-D points and square images.
PointSet buildSceneData(const SceneData& data);

class SceneEngine {
public:
    /// Builds the data, schedule and denoiser and starts the sampler run at frame 0. Throws
    /// UsageError or DataError (naming the setting or file); nothing is kept on failure.
    SceneEngine(const Scene& scene, Backend& backend);
    ~SceneEngine();
    SceneEngine(const SceneEngine&) = delete;
    SceneEngine& operator=(const SceneEngine&) = delete;

    const Scene& scene() const { return m_scene; }
    const PointSet& data() const { return *m_data; }
    const Schedule& schedule() const { return *m_schedule; }
    const Denoiser& denoiser() const { return *m_denoiser; }
    /// The backend the engine computes on (for view builders outside the engine).
    Backend& backend() const { return m_backend; }
    /// The exact or ideal denoiser a learned model is compared with (null if the model is one).
    const Denoiser* reference() const { return m_reference.get(); }

    // --- the sampler run ---
    /// Frames recorded so far (at least 1: the initial noise).
    int recordedFrames() const { return int(m_frames.size()); }
    /// Frames the run will have when done (steps + 1 along the current branch).
    int totalFrames() const;
    bool done() const;
    /// Records one more frame; returns false when the run is already done.
    bool stepForward();
    void runToEnd();
    /// Records frames until at least n exist (or the run is done).
    void recordFrames(int n);
    std::shared_ptr<const Frame> frame(int i) const;
    /// The time grid of the current branch, from frame 0's time to 0.
    const std::vector<double>& grid() const { return m_grid; }
    /// The scene's sampler settings over the run's own grid (with its branches): what a path
    /// that follows the run (a dropped particle, a companion, an unrolled cell) runs with.
    SamplerRunConfig runConfig() const;
    /// Keeps frames 0..i and continues from frame i with new sampler settings (sampler, steps,
    /// options, seed; the particles stay). Throws UsageError for bad settings or i out of range;
    /// on error the run is unchanged.
    void branch(int i, const SceneSampler& settings);
    /// Follows one extra particle from (x, y) at frame i's time to t = 0 with the current
    /// sampler; the trajectory view highlights it instead of a run particle. A later branch
    /// drops it.
    void dropParticle(int i, double x, double y);
    /// The same run on another backend: the scene rebuilt, its branches and dropped particle
    /// replayed, and at least `frames` frames recorded (as far as the run goes).
    std::unique_ptr<SceneEngine> replayOn(Backend& backend, int frames) const;

    // --- views ---
    /// Whether the data are square images (image views) rather than 2-D points.
    bool isImage() const { return m_side > 0; }
    ChainView chainView(double t) const;
    FieldView fieldView(double t) const;
    TrajectoryView trajectoryView(int frame) const;
    DensityView densityView(int frame) const;
    ParticleInfo particleInfo(int frame, long particle) const;
    /// The particle dropped with dropParticle at a frame of its run (particle = -1), or nullopt
    /// when none was dropped or the frame is before the drop.
    std::optional<ParticleInfo> droppedParticleInfo(int frame) const;
    // Image views (scene_image_views.cpp); UsageError for 2-D data. Views built outside the
    // engine, from its public state, are in views/ (view_registry.hpp).
    ImageGridView filmstripView(double t) const;
    ImageGridView samplesView(int frame) const;
    ImageGridView posteriorView(int frame) const;
    /// The field view's quantity at the rows of x, in double precision (D(x) - x for x0);
    /// evaluated at max(t, 1e-3) as the field view is.
    Matrix fieldValues(double t, const Matrix& x) const;
    TimeInfo timeInfo(double t) const;

    /// The colour range of a learned model's error map |model - reference| of `quantity` (x0,
    /// eps, v, score, velocity, as in the field view): at kErrorSweepTimes times evenly spaced
    /// in logSNR, each on its own field-view grid, the 99th percentile of that error; the median
    /// of those. One value for every t, so that an error map's colours compare as t moves
    /// (cells above it saturate); cached. 0 without a reference.
    double errorColourMax(const std::string& quantity) const;
    static constexpr int kErrorSweepTimes = 12;

    /// Changes the view settings (panes, quantity, extent, grid, highlight); validated.
    void setView(const SceneView& view);

private:
    /// The inspector's numbers for one row of a frame (particle and frame left unset).
    ParticleInfo infoAt(const Frame& frame, Index row) const;
    void startRun(const SceneSampler& settings, Matrix x, double tStart, int firstIndex);
    /// log p_t on the heat-map grid of half-width extent; the chain and field views share it.
    const ScalarGrid& logDensityAt(double t, double extent) const;
    Scene m_scene;
    Scene m_initial; ///< the scene as built, before branches (for replayOn)
    std::vector<std::pair<int, SceneSampler>> m_history; ///< branches: frame and settings
    std::pair<double, double> m_drop{};                  ///< where the particle was dropped
    Backend& m_backend;
    std::unique_ptr<PointSet> m_data;
    std::unique_ptr<Schedule> m_schedule;
    std::unique_ptr<Denoiser> m_denoiser, m_reference;
    std::unique_ptr<SamplerRun> m_run;
    std::vector<std::shared_ptr<const Frame>> m_frames;
    std::vector<double> m_grid;
    int m_runOffset = 0; ///< frame index of m_run's frame 0 (after a branch)
    int m_side = 0;      ///< image side for image data, 0 for 2-D points
    /// Throws UsageError when a view does not fit the data (2-D views on images or back).
    void requireViewFits(const std::string& view) const;
    std::vector<std::shared_ptr<const Frame>> m_probe; ///< a dropped particle's frames
    int m_probeStart = -1;
    struct DensityCache {
        double t, extent;
        ScalarGrid grid;
    };
    mutable std::optional<DensityCache> m_densityCache; ///< the engine has one owning thread
    /// Error colour ranges by quantity, for the view extent they were computed at (the
    /// denoisers are fixed for the engine's life).
    struct ErrorRange {
        std::string quantity;
        double extent = 0, max = 0;
    };
    mutable std::vector<ErrorRange> m_errorRanges;
    struct CompanionPath {
        long particle = -1;
        std::string sampler;
        std::vector<float> xy;
    };
    /// The particle's whole path under the other sampler family from the same x_T (cached;
    /// valid while frame 0 is, i.e. for the engine's life).
    const CompanionPath& companionPath(long particle) const;
    mutable std::optional<CompanionPath> m_companion;
};

} // namespace dfs
