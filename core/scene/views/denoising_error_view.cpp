// The denoising-error view (the autoencoder perspective, diffusion-math.md Section 1.1): the
// scene's denoiser as a denoising autoencoder scored by MSE(t) = E||D(x_t) - x0||^2 / d against
// logSNR, beside the Bayes error E tr Cov[x0 | x_t] / d of the exact (GMM data) or ideal
// denoiser, which no model beats on average, and the weight each training target puts on each
// level (Section 2.3). The curve does not depend on the cursor, so it is kept per scene.
#include "core/datasets/point_set.hpp"
#include "core/denoisers/denoiser.hpp"
#include "core/metrics/denoising_error.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_registry.hpp"
#include "core/scene/views/denoising_error_data.hpp"
#include "core/schedules/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>

namespace dfs::views {

namespace {

/// The options for a scene: 24 levels for 2-D data (12 for images) and at most 2000 noised
/// points per level, fewer where the reference is the ideal denoiser, whose posterior costs
/// N x d per point: the work stays near 3e7 multiply-adds (about 0.15 s) for 2-D data.
DenoisingErrorOptions optionsFor(const SceneEngine& e) {
    DenoisingErrorOptions o;
    o.seed = e.scene().data.seed;
    o.points = e.isImage() ? 12 : 24;
    if (!e.data().gmm) {
        const double work = double(e.data().size()) * double(e.data().dim()) * o.points;
        o.samples = std::clamp<Index>(Index((e.isImage() ? 2e8 : 3e7) / work), 8, 2000);
    }
    return o;
}

struct Cached {
    const void* engine = nullptr;
    const void* model = nullptr;
    std::string key;
    std::vector<DenoisingErrorPoint> curve;
};

/// What identifies a curve: the model, schedule, data and seed.
std::string cacheKey(const SceneEngine& e) {
    const Matrix& d = e.data().points;
    return e.denoiser().name() + "|" + e.schedule().describe() + "|" + std::to_string(d.rows()) +
           "|" + std::to_string(d.sum()) + "|" + std::to_string(e.scene().data.seed);
}

std::vector<DenoisingErrorPoint> curveOf(const SceneEngine& e) {
    static std::mutex mutex;
    static Cached cache;
    const std::string key = cacheKey(e);
    {
        const std::lock_guard lock(mutex);
        if (cache.engine == &e && cache.model == &e.denoiser() && cache.key == key)
            return cache.curve;
    }
    const Denoiser* reference = e.reference() ? e.reference() : &e.denoiser();
    auto curve =
        denoisingErrorCurve(e.denoiser(), reference, e.schedule(), e.data().points, optionsFor(e));
    const std::lock_guard lock(mutex);
    cache = {&e, &e.denoiser(), key, curve};
    return curve;
}

DenoisingErrorView build(const SceneEngine& e, double t) {
    DenoisingErrorView v;
    v.time = e.timeInfo(t);
    v.model = e.denoiser().name();
    v.modelIsReference = e.reference() == nullptr;
    v.samples = long(optionsFor(e).samples);
    const auto curve = curveOf(e);
    for (const DenoisingErrorPoint& p : curve) {
        v.logSnr.push_back(p.logSnr);
        v.mse.push_back(p.mse);
        v.mseSe.push_back(p.mseSe);
        if (p.hasBayes) v.bayes.push_back(p.bayes), v.bayesSe.push_back(p.bayesSe);
        v.wEps.push_back(p.weights.eps);
        v.wV.push_back(p.weights.v);
        v.wVelocity.push_back(p.weights.velocity);
        v.wScore.push_back(p.weights.score);
    }
    if (!v.bayes.empty()) v.reference = e.reference() ? e.reference()->name() : v.model;
    // MSE at the cursor: log-linear interpolation between the grid's levels.
    for (std::size_t i = 0; i + 1 < v.logSnr.size(); ++i) {
        const double a = v.logSnr[i], b = v.logSnr[i + 1], x = v.time.logSnr;
        if (x >= a && x <= b && v.mse[i] > 0 && v.mse[i + 1] > 0) {
            const double f = (x - a) / (b - a);
            v.mseAtCursor = std::exp((1 - f) * std::log(v.mse[i]) + f * std::log(v.mse[i + 1]));
        }
    }
    return v;
}

} // namespace

ViewInfo denoisingError() {
    return {"denoising-error",
            "denoising error MSE(t) of the model against logSNR, above the Bayes error no "
            "model can beat",
            ViewData::Both,
            ViewClock::SweepsT,
            [](const SceneEngine& e, ViewAt at) {
                return ViewSnapshot("denoising-error", build(e, at.t));
            },
            [](const SceneEngine& e, ViewAt) { return denoisingErrorTable(curveOf(e)); },
            "logsnr,t,sigma,mse,mse_se,bayes,bayes_se,w_eps,w_v,w_velocity,w_score"};
}

} // namespace dfs::views
