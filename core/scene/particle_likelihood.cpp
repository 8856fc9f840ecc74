// Per-particle log p_t for the trajectories view (see particle_likelihood.hpp).
#include "core/scene/particle_likelihood.hpp"

#include "core/denoisers/denoiser.hpp"
#include "core/errors.hpp"
#include "core/samplers/points_likelihood.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/scene_io.hpp"
#include "core/scene/view_grid.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <mutex>
#include <string>
#include <tuple>

namespace dfs {

namespace {

constexpr Index kMaxParticles = 2000; ///< particles solved per frame (evenly spaced)
/// rtol = atol: the likelihood view's (ten times score_sde's 1e-5: 2.5x fewer evaluations).
constexpr double kTolerance = 1e-4;
/// The ODE needs t_min < t_max = 1: the first frame (t = 1) is read just below.
constexpr double kLatestT = 0.999;

struct Result {
    std::vector<float> logp, logpExact;
    double low = 0, high = 1;
    std::string note;
};

/// The 2nd and 98th percentiles of the finite values (a few outliers do not wash out the map).
std::pair<double, double> range(const std::vector<float>& v) {
    std::vector<float> f;
    for (const float x : v)
        if (std::isfinite(x)) f.push_back(x);
    if (f.empty()) return {0, 1};
    std::sort(f.begin(), f.end());
    const auto at = [&](double q) { return double(f[std::size_t(q * double(f.size() - 1))]); };
    double lo = at(0.02), hi = at(0.98);
    if (!(hi > lo)) hi = lo + 1;
    return {lo, hi};
}

double finiteMean(const std::vector<float>& v) {
    double s = 0;
    long n = 0;
    for (const float x : v)
        if (std::isfinite(x)) s += x, ++n;
    return n ? s / double(n) : std::nan("");
}

Result compute(const SceneEngine& e, const Frame& frame) {
    Result r;
    const Index n = frame.x.rows();
    const Index stride = strideFor(n, kMaxParticles);
    Matrix x((n + stride - 1) / stride, frame.x.cols());
    for (Index i = 0; i < x.rows(); ++i) x.row(i) = frame.x.row(i * stride);
    LikelihoodOptions o;
    o.tMin = std::clamp(frame.t, kMinFieldT, kLatestT);
    o.rtol = o.atol = kTolerance;
    o.singlePrecision = true; // a learned MLP in float, as the likelihood view
    const Denoiser& model = e.denoiser();
    const Denoiser* exact = model.hasLogDensity() ? &model : e.reference();
    if (exact && !exact->hasLogDensity()) exact = nullptr;
    PointsLikelihood l;
    try {
        l = pointsLogLikelihood(model, exact, e.schedule(), x, o);
    } catch (const UsageError& err) { // no exact divergence for this denoiser
        r.note = fmt::format("log-likelihood unavailable: {}", err.what());
        return r;
    } catch (const DataError& err) { // a solve that did not converge
        r.note = fmt::format("log-likelihood unavailable: {}", err.what());
        return r;
    }
    const float nan = std::nanf("");
    r.logp.assign(std::size_t(n), nan);
    if (exact) r.logpExact.assign(std::size_t(n), nan);
    for (Index i = 0; i < x.rows(); ++i) {
        r.logp[std::size_t(i * stride)] = float(l.logp[i]);
        if (exact) r.logpExact[std::size_t(i * stride)] = float(l.logpExact[i]);
    }
    std::tie(r.low, r.high) = range(r.logp);
    r.note = fmt::format("log p_t at t = {:.3g} by the PF-ODE (rk45 {:g}, {:.0f} NFE): mean {:.3f}",
                         o.tMin, kTolerance, l.meanNfe, finiteMean(r.logp));
    if (exact) r.note += fmt::format(", exact {:.3f}", finiteMean(r.logpExact));
    r.note += " nats";
    if (stride > 1) r.note += fmt::format(" ({} of {} particles)", x.rows(), n);
    return r;
}

} // namespace

void addParticleLikelihood(const SceneEngine& e, const std::shared_ptr<const Frame>& frame,
                           TrajectoryView& v) {
    // The last result, kept with its frame (held, so its address is not reused), model and data.
    static std::mutex mutex;
    static std::shared_ptr<const Frame> lastFrame;
    static std::string lastKey;
    static std::shared_ptr<const Result> last;
    Scene k;
    k.data = e.scene().data;
    k.model = e.scene().model;
    const std::string key =
        fmt::format("{}|{}", sceneToJson(k), static_cast<const void*>(&e.denoiser()));
    std::shared_ptr<const Result> r;
    {
        std::lock_guard lock(mutex);
        if (last && lastFrame == frame && lastKey == key) r = last;
    }
    if (!r) {
        r = std::make_shared<const Result>(compute(e, *frame));
        std::lock_guard lock(mutex);
        lastFrame = frame;
        lastKey = key;
        last = r;
    }
    v.logp = r->logp;
    v.logpExact = r->logpExact;
    v.logpLow = r->low;
    v.logpHigh = r->high;
    v.logpNote = r->note;
}

} // namespace dfs
