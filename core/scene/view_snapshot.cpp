// Snapshots of the views and the caption of a scene.
#include "core/scene/view_snapshot.hpp"

#include "core/scene/scene_engine.hpp"

#include <fmt/format.h>

namespace dfs {

ViewSnapshot makeSnapshot(const SceneEngine& engine, ViewKind kind, int frame, double t) {
    switch (kind) {
    case ViewKind::Chain: return engine.chainView(t);
    case ViewKind::Field: return engine.fieldView(t);
    case ViewKind::Trajectories: return engine.trajectoryView(frame);
    case ViewKind::Density: return engine.densityView(frame);
    case ViewKind::Filmstrip: return engine.filmstripView(t);
    case ViewKind::Samples: return engine.samplesView(frame);
    case ViewKind::Spectrum: return engine.spectrumView(t);
    case ViewKind::Posterior: return engine.posteriorView(frame);
    }
    return engine.chainView(t);
}

std::string sceneCaption(const Scene& s) {
    const std::string data = s.data.points ? "edited points" : s.data.dataset;
    std::string model = s.model.denoiser;
    if (s.model.label >= 0) model += fmt::format(" class {}", s.model.label);
    if (s.model.guidance != 1.0) model += fmt::format(" guidance {:g}", s.model.guidance);
    return fmt::format("{} (n = {}), {}, {} {} steps, {} particles, denoiser {}", data,
                       s.data.points ? long(s.data.points->rows()) : s.data.n, s.model.schedule,
                       s.sampler.sampler, s.sampler.steps, s.sampler.particles, model);
}

} // namespace dfs
