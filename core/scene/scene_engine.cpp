// Building a scene and recording its sampler run (forward, back through recorded frames, branch).
// The view builders are in scene_views.cpp.
#include "core/scene/scene_engine.hpp"

#include "core/backend/backend.hpp"
#include "core/datasets/dataset_registry.hpp"
#include "core/datasets/gmm_datasets.hpp"
#include "core/datasets/image_datasets.hpp"
#include "core/denoisers/denoiser_factory.hpp"
#include "core/errors.hpp"
#include "core/model/checkpoint.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/scene/scene_budget.hpp"
#include "core/scene/view_registry.hpp"

#include <fmt/format.h>

namespace dfs {

PointSet buildSceneData(const SceneData& d) {
    PointSet data;
    if (d.points) {
        data.name = "edited points";
        data.points = *d.points;
        data.labels = d.labels;
    } else if (d.mixture) {
        data = sampleGmm(*d.mixture, d.n, d.seed, "edited mixture");
    } else {
        data = loadDataset(d.dataset, {d.n, d.noise, d.seed, d.resolution});
    }
    if (data.dim() != 2 && imageSide(data.dim()) < 4)
        throw UsageError(fmt::format("data.dataset: the explorer shows 2-D points or square "
                                     "images ({} has {} dimensions)",
                                     data.name, data.dim()));
    return data;
}

namespace {

/// The run's configuration when it starts at tStart: the settings' full grid, cut to the times
/// below it.
SamplerRunConfig branchConfig(const Schedule& schedule, const SceneSampler& s, double tStart,
                              bool fromPrior) {
    SamplerRunConfig config =
        makeRunConfig(schedule, s.sampler, s.steps, s.spacing, s.rho, s.options, s.seed);
    if (fromPrior) return config;
    std::vector<double> grid{tStart};
    for (double t : config.grid)
        if (t < tStart) grid.push_back(t);
    if (grid.size() < 2)
        throw UsageError(fmt::format("nothing left to sample from t = {:.4g}", tStart));
    config.grid = std::move(grid);
    return config;
}

} // namespace

SceneEngine::SceneEngine(const Scene& scene, Backend& backend)
    : m_scene(scene), m_initial(scene), m_backend(backend) {
    validateScene(m_scene);
    requireSceneWithinBudget(m_scene); // before the data and the run are built
    m_schedule = makeSchedule(scene.model.schedule);
    m_data = std::make_unique<PointSet>(buildSceneData(scene.data));
    const DenoiserOptions opts{scene.model.label, scene.model.guidance};
    m_denoiser = makeDenoiser(scene.model.denoiser, scene.model.denoiserBelow,
                              scene.model.sigmaSplit, *m_data, opts);
    if (m_denoiser->dim() != m_data->dim())
        throw UsageError(fmt::format("model.denoiser: the model has {} dimensions, the data {}",
                                     m_denoiser->dim(), m_data->dim()));
    m_side = m_data->dim() == 2 ? 0 : imageSide(m_data->dim());
    // Panes follow the data: a pane whose view does not fit gets the k-th registered view that
    // does (chain, field, trajectories, density for points; the four image views for images).
    std::vector<std::string> fitting;
    for (const ViewInfo& v : viewRegistry())
        if (v.fits(isImage())) fitting.push_back(v.name);
    for (std::size_t k = 0; k < m_scene.view.panes.size(); ++k)
        if (!findView(m_scene.view.panes[k]).fits(isImage()))
            m_scene.view.panes[k] = fitting[k % fitting.size()];
    if (isCheckpointPath(scene.model.denoiser) || isCheckpointPath(scene.model.denoiserBelow))
        m_reference = makeDenoiser(m_data->gmm ? "exact" : "ideal", *m_data, opts);
    const double t0 = branchConfig(*m_schedule, scene.sampler, 1.0, true).grid.front();
    Matrix x = SamplerRun::priorSample(*m_schedule, t0, scene.sampler.particles, m_data->dim(),
                                       scene.sampler.seed);
    startRun(scene.sampler, std::move(x), t0, 0);
}

SceneEngine::~SceneEngine() = default;

std::unique_ptr<SceneEngine> SceneEngine::replayOn(Backend& backend, int frames) const {
    auto e = std::make_unique<SceneEngine>(m_initial, backend);
    e->m_scene.view = m_scene.view;
    for (const auto& [at, settings] : m_history) {
        e->recordFrames(at + 1);
        e->branch(at, settings);
    }
    if (m_probeStart >= 0) {
        e->recordFrames(m_probeStart + 1);
        e->dropParticle(m_probeStart, m_drop.first, m_drop.second);
    }
    e->recordFrames(frames);
    return e;
}

void SceneEngine::startRun(const SceneSampler& s, Matrix x, double tStart, int firstIndex) {
    const SamplerRunConfig config = branchConfig(*m_schedule, s, tStart, firstIndex == 0);
    auto run =
        std::make_unique<SamplerRun>(*m_schedule, *m_denoiser, m_backend, config, std::move(x));
    // Commit only after everything above succeeded: a failed branch leaves the run as it was.
    const long nfeBefore = firstIndex > 0 ? m_frames[std::size_t(firstIndex)]->nfe : 0;
    m_frames.resize(std::size_t(firstIndex));
    m_grid.resize(std::size_t(firstIndex));
    m_grid.insert(m_grid.end(), config.grid.begin(), config.grid.end());
    auto first = std::make_shared<Frame>(run->current());
    first->i = firstIndex;
    first->nfe = nfeBefore;
    m_frames.push_back(std::move(first));
    m_run = std::move(run);
    m_runOffset = firstIndex;
    m_companion.reset(); // it follows the run's sampler settings
    m_scene.sampler = s;
}

SamplerRunConfig SceneEngine::runConfig() const {
    SamplerRunConfig config = branchConfig(*m_schedule, m_scene.sampler, 1.0, true);
    config.grid = m_grid;
    return config;
}

int SceneEngine::totalFrames() const {
    return m_runOffset + m_run->steps() + 1;
}
bool SceneEngine::done() const {
    return recordedFrames() >= totalFrames();
}

bool SceneEngine::stepForward() {
    if (done()) return false;
    const long nfeBefore = m_frames[std::size_t(m_runOffset)]->nfe;
    auto f = std::make_shared<Frame>(m_run->step());
    f->i += m_runOffset;
    f->nfe += nfeBefore;
    m_frames.push_back(std::move(f));
    return true;
}

void SceneEngine::recordFrames(int n) {
    while (recordedFrames() < n && stepForward()) {
    }
}

void SceneEngine::runToEnd() {
    while (stepForward()) {
    }
}

std::shared_ptr<const Frame> SceneEngine::frame(int i) const {
    if (i < 0 || i >= recordedFrames())
        throw UsageError(
            fmt::format("frame {} is not recorded (0 to {})", i, recordedFrames() - 1));
    return m_frames[std::size_t(i)];
}

void SceneEngine::branch(int i, const SceneSampler& settings) {
    const std::shared_ptr<const Frame> from = frame(i);
    if (settings.particles != m_scene.sampler.particles)
        throw UsageError("sampler.particles: a branch keeps the particles of the run");
    startRun(settings, from->x, from->t, i);
    // A dropped particle followed the old grid: it does not fit the branch's frames.
    m_probe.clear();
    m_probeStart = -1;
    m_history.push_back({i, settings});
}

void SceneEngine::dropParticle(int i, double x, double y) {
    requireViewFits("trajectories");
    const std::shared_ptr<const Frame> from = frame(i);
    if (from->t == 0.0) throw UsageError("the run is at t = 0: nothing left to follow");
    SamplerRunConfig config = runConfig();
    config.grid.erase(config.grid.begin(), config.grid.begin() + i);
    config.firstParticle = 0xFFFF0000u; // a Philox stream of its own
    Matrix start(1, 2);
    start << x, y;
    SamplerRun run(*m_schedule, *m_denoiser, m_backend, config, start);
    std::vector<std::shared_ptr<const Frame>> probe{std::make_shared<Frame>(run.current())};
    while (!run.done()) probe.push_back(std::make_shared<Frame>(run.step()));
    m_probe = std::move(probe);
    m_probeStart = i;
    m_drop = {x, y};
}

void SceneEngine::requireViewFits(const std::string& view) const {
    dfs::requireViewFits(findView(view), isImage());
}

void SceneEngine::setView(const SceneView& view) {
    Scene s = m_scene;
    s.view = view;
    validateScene(s);
    for (const std::string& pane : view.panes) requireViewFits(pane);
    m_scene.view = view;
}

} // namespace dfs
