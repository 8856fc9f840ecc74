// The expectation view (Dieleman 2023, "diffusion models estimate expectations";
// diffusion-math.md Section 1.8): at the highlighted particle's x_t, the posterior p(x0 | x_t)
// of the exact GMM (its components' posterior Gaussians weighted by responsibility) or of the
// ideal denoiser (weights over the training points), its mean D*(x) and covariance, N_eff and
// entropy, and Monte Carlo estimates of D* from K = 1, 10, 100, 1000 draws converging to it.
#include "core/datasets/point_set.hpp"
#include "core/denoisers/denoiser.hpp"
#include "core/denoisers/monte_carlo_denoiser.hpp"
#include "core/denoisers/posterior.hpp"
#include "core/errors.hpp"
#include "core/io/table_io.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_registry.hpp"
#include "core/scene/views/expectation_data.hpp"
#include "core/schedules/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace dfs::views {

namespace {

constexpr double kMinT = 1e-3; ///< the posterior is degenerate at t = 0 (the field view's floor)
constexpr Index kMaxPoints = 4000;     ///< training points drawn
constexpr Index kMaxDataPoints = 1500; ///< faint data points
constexpr int kDraws[] = {1, 10, 100, 1000};

void pushXY(std::vector<float>& v, const Vector& p) {
    v.push_back(float(p[0]));
    v.push_back(float(p[1]));
}

ExpectationView build(const SceneEngine& e, int frameIndex) {
    const auto frame = e.frame(frameIndex); // UsageError for a frame not recorded
    if (frame->x.cols() != 2) throw UsageError("the expectation view shows 2-D points");
    const Denoiser& exact = e.reference() ? *e.reference() : e.denoiser();
    const NoiseLevel l = e.schedule().at(std::max(frame->t, kMinT));
    const auto post = exactPosterior(exact, l);
    if (!post)
        throw UsageError(fmt::format("the expectation view needs the posterior of the exact or "
                                     "ideal denoiser; this scene's reference is '{}'",
                                     exact.name()));
    ExpectationView v;
    v.time = e.timeInfo(frame->t);
    v.box.extent = e.scene().view.extent;
    v.reference = exact.name();
    // The trajectory view's highlighted particle: a run particle, or one dropped with the mouse
    // (-2); particle 0 when the highlight is out of range.
    const TrajectoryView tv = e.trajectoryView(frameIndex);
    Vector x(2);
    if (tv.highlight >= 0) { // a run particle: its position in double precision
        v.particle = tv.highlight;
        x = frame->x.row(v.particle).transpose();
    } else if (tv.highlightPath.size() >= 2) {
        v.particle = tv.highlight;
        x << tv.highlightPath[tv.highlightPath.size() - 2], tv.highlightPath.back();
    } else {
        v.particle = 0;
        x = frame->x.row(0).transpose();
    }
    const Posterior p = post->at(x);
    for (int k = 0; k < 2; ++k) {
        v.x[k] = x[k];
        v.xOverAlpha[k] = x[k] / l.alpha;
        v.mean[k] = p.mean[k];
    }
    v.cov[0] = p.cov(0, 0), v.cov[1] = p.cov(0, 1), v.cov[2] = p.cov(1, 1);
    v.effectiveCount = weightsEffectiveCount(p.weights);
    v.entropy = weightsEntropy(p.weights);
    if (!p.componentMeans.empty()) {
        for (std::size_t k = 0; k < p.componentMeans.size(); ++k) {
            pushXY(v.componentMean, p.componentMeans[k]);
            const Matrix& c = p.componentCovs[k];
            v.componentCov.insert(v.componentCov.end(),
                                  {float(c(0, 0)), float(c(0, 1)), float(c(1, 1))});
            v.componentWeight.push_back(float(p.weights[Index(k)]));
        }
        const Matrix& d = e.data().points;
        const Index stride = std::max<Index>(1, (d.rows() + kMaxDataPoints - 1) / kMaxDataPoints);
        for (Index i = 0; i < d.rows(); i += stride) pushXY(v.data, d.row(i).transpose());
    } else {
        const Matrix& d = e.data().points;
        const Index stride = std::max<Index>(1, (d.rows() + kMaxPoints - 1) / kMaxPoints);
        for (Index i = 0; i < d.rows(); i += stride) {
            pushXY(v.points, d.row(i).transpose());
            v.pointWeight.push_back(float(p.weights[i]));
        }
    }
    // Nested estimates: the first K draws of one Philox stream, so each K extends the last.
    const std::uint64_t seed = e.scene().sampler.seed;
    const std::uint32_t stream = std::uint32_t(std::max(0L, v.particle));
    for (int k : kDraws) {
        v.mcDraws.push_back(k);
        pushXY(v.mcMean, monteCarloMean(*post, x, k, seed, stream));
    }
    if (e.reference()) {
        v.hasModel = true;
        v.model = e.denoiser().name();
        Matrix out(1, 2);
        e.denoiser().denoiseRows(x.transpose(), l, out, 0, 1);
        v.modelMean[0] = out(0, 0), v.modelMean[1] = out(0, 1);
    }
    return v;
}

/// One row per K: the estimate, its distance to D*, and the posterior's summary.
Table table(const SceneEngine& e, int frameIndex) {
    const ExpectationView v = build(e, frameIndex);
    Table t{{"k", "mc_x", "mc_y", "mc_error", "mean_x", "mean_y", "cov_xx", "cov_xy", "cov_yy",
             "n_eff", "entropy"},
            Matrix(Index(v.mcDraws.size()), 11)};
    for (std::size_t i = 0; i < v.mcDraws.size(); ++i) {
        const double mx = v.mcMean[2 * i], my = v.mcMean[2 * i + 1];
        t.rows.row(Index(i)) << v.mcDraws[i], mx, my, std::hypot(mx - v.mean[0], my - v.mean[1]),
            v.mean[0], v.mean[1], v.cov[0], v.cov[1], v.cov[2], v.effectiveCount, v.entropy;
    }
    return t;
}

} // namespace

ViewInfo expectation() {
    return {"expectation",
            "the posterior p(x0 | x_t) at the highlighted particle: its mean D* is what the "
            "denoiser estimates",
            ViewData::Points,
            ViewClock::FollowsRun,
            [](const SceneEngine& e, ViewAt at) {
                return ViewSnapshot("expectation", build(e, at.frame));
            },
            [](const SceneEngine& e, ViewAt at) { return table(e, at.frame); },
            "k,mc_x,mc_y,mc_error,mean_x,mean_y,cov_xx,cov_xy,cov_yy,n_eff,entropy"};
}

} // namespace dfs::views
