// The registry entries of seven built-in views (core/scene/view_registry.hpp; the spectrum view
// has a file of its own, spectrum_view.cpp). Their builders are SceneEngine's view methods
// (scene_views.cpp, scene_image_views.cpp), which share the engine's private caches (the
// log-density grid, the companion path, a dropped particle); their tables are in
// scene_tables.hpp.
#include "core/scene/scene_engine.hpp"
#include "core/scene/scene_tables.hpp"
#include "core/scene/view_registry.hpp"

namespace dfs::views {

ViewInfo chain() {
    return {
        "chain",
        "the data pushed forward to time t over log p_t",
        ViewData::Points,
        ViewClock::SweepsT,
        [](const SceneEngine& e, ViewAt at) { return ViewSnapshot("chain", e.chainView(at.t)); },
        [](const SceneEngine& e, ViewAt at) { return chainTable(e, at.t); },
        "x,y"};
}

ViewInfo field() {
    return {
        "field",
        "a vector field at time t over a heat map",
        ViewData::Points,
        ViewClock::SweepsT,
        [](const SceneEngine& e, ViewAt at) { return ViewSnapshot("field", e.fieldView(at.t)); },
        [](const SceneEngine& e, ViewAt at) { return fieldTable(e, at.t); },
        "x,y,fx,fy"};
}

ViewInfo trajectories() {
    return {"trajectories",
            "the sampler's particles and paths, one highlighted",
            ViewData::Points,
            ViewClock::FollowsRun,
            [](const SceneEngine& e, ViewAt at) {
                return ViewSnapshot("trajectories", e.trajectoryView(at.frame));
            },
            [](const SceneEngine& e, ViewAt at) { return trajectoryTable(e, at.frame); },
            "step,t,particle,x,y up to the frame"};
}

ViewInfo density() {
    return {"density",
            "a histogram of the samples beside p_t, the data's density at the same time",
            ViewData::Points,
            ViewClock::FollowsRun,
            [](const SceneEngine& e, ViewAt at) {
                return ViewSnapshot("density", e.densityView(at.frame));
            },
            [](const SceneEngine& e, ViewAt at) { return samplesTable(e, at.frame); },
            "x,y"};
}

ViewInfo filmstrip() {
    return {"filmstrip",
            "a few data images noised along t",
            ViewData::Images,
            ViewClock::SweepsT,
            [](const SceneEngine& e, ViewAt at) {
                return ViewSnapshot("filmstrip", e.filmstripView(at.t));
            },
            {},
            ""};
}

ViewInfo samples() {
    return {"samples",
            "x_t beside x0_hat for a few particles along the run",
            ViewData::Images,
            ViewClock::FollowsRun,
            [](const SceneEngine& e, ViewAt at) {
                return ViewSnapshot("samples", e.samplesView(at.frame));
            },
            [](const SceneEngine& e, ViewAt at) { return samplesTable(e, at.frame); },
            "p0..p{D-1}"};
}

ViewInfo posterior() {
    return {"posterior",
            "the ideal denoiser's top-weighted training images",
            ViewData::Images,
            ViewClock::FollowsRun,
            [](const SceneEngine& e, ViewAt at) {
                return ViewSnapshot("posterior", e.posteriorView(at.frame));
            },
            {},
            ""};
}

} // namespace dfs::views
