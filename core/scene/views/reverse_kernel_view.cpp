// The reverse-kernel view (the latent-variable perspective, diffusion-math.md Sections 1.2 and
// 4.4): one step of the reverse chain at the highlighted particle's x_t, from the frame's time t
// to the next frame's s. The exact step q(x_s | x_t) of the data (a Gaussian mixture: the GMM's,
// or the training points' for other data) drawn as a density with contours, against the
// model's Gaussian p_theta(x_s | x_t) = q(x_s | x_t, x0 = D(x_t)) (Ho et al. 2020, eq. 7, with
// the posterior variance) as 1- and 2-sigma circles, and q(x_s | x_t, x0) for the data point
// nearest x_t / alpha. Their KL on the grid measures the Gaussian assumption: small steps make
// the exact kernel nearly Gaussian.
#include "core/datasets/point_set.hpp"
#include "core/denoisers/denoiser.hpp"
#include "core/denoisers/gmm_reverse_kernel.hpp"
#include "core/errors.hpp"
#include "core/io/table_io.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_registry.hpp"
#include "core/scene/views/reverse_kernel_data.hpp"
#include "core/schedules/schedule.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <numbers>

namespace dfs::views {

namespace {

constexpr int kGrid = 120;             ///< cells per side of the density
constexpr Index kMaxPoints = 5000;     ///< training points used as the exact kernel's components
constexpr double kPointJitter = 1e-12; ///< variance given to point masses (kept invertible)

/// The data's distribution as a mixture: the GMM, or equal point masses on the data points.
GmmParams dataMixture(const SceneEngine& e, std::string& source) {
    if (e.data().gmm) {
        source = "the mixture";
        return *e.data().gmm;
    }
    const Matrix& d = e.data().points;
    const Index n = std::min(d.rows(), kMaxPoints);
    GmmParams g;
    for (Index i = 0; i < n; ++i) {
        g.weights.push_back(1.0 / double(n));
        g.means.push_back(d.row(i).transpose());
        g.covs.push_back(Matrix::Identity(2, 2) * kPointJitter);
    }
    source = fmt::format("the {} data points", n);
    return g;
}

ReverseKernelView build(const SceneEngine& e, int frameIndex) {
    const auto& grid = e.grid();
    const int steps = int(grid.size()) - 1;
    e.frame(frameIndex); // UsageError for a frame not recorded
    // The step from this frame to the next; at the last frame, the step into it.
    const int i = std::min(frameIndex, steps - 1);
    const auto frame = e.frame(i);
    if (frame->x.cols() != 2) throw UsageError("the reverse-kernel view shows 2-D points");
    ReverseKernelView v;
    v.frame = i;
    v.steps = steps;
    const NoiseLevel lt = e.schedule().at(grid[std::size_t(i)]);
    // The step into t = 0 ends at the schedule's smallest sampling level instead, where the
    // Gaussians still have a width (schedule.hpp, gridLogSnrMax).
    const double sMin =
        std::max(e.schedule().tFromLogSnr(e.schedule().gridLogSnrMax()), kSmallestPositiveT);
    const NoiseLevel ls = e.schedule().at(
        std::max(grid[std::size_t(i + 1)], std::min(sMin, 0.5 * grid[std::size_t(i)])));
    v.time = e.timeInfo(lt.t);
    v.s = ls.t;
    v.model = e.denoiser().name();
    // The trajectory view's highlighted particle: a run particle, or one dropped with the mouse
    // (-2, its path since the drop); particle 0 when the highlight is out of range.
    const TrajectoryView tv = e.trajectoryView(i);
    Vector xt(2);
    if (tv.highlight >= 0) {
        v.particle = tv.highlight;
        xt = frame->x.row(v.particle).transpose();
    } else if (tv.highlightPath.size() >= 2) {
        v.particle = tv.highlight;
        xt << tv.highlightPath[tv.highlightPath.size() - 2], tv.highlightPath.back();
    } else {
        v.particle = 0;
        xt = frame->x.row(0).transpose();
    }
    v.xt[0] = xt[0], v.xt[1] = xt[1];

    const ReverseKernel exact = gmmReverseKernel(dataMixture(e, v.exactSource), ls, lt, xt);
    const ForwardPosterior f = forwardPosterior(ls, lt);
    Matrix d(1, 2);
    e.denoiser().denoiseRows(xt.transpose(), lt, d, 0, 1);
    const Vector model = f.c0 * d.row(0).transpose() + f.ct * xt;
    v.modelMean[0] = model[0], v.modelMean[1] = model[1];
    v.modelStd = std::sqrt(f.var);
    // The data point nearest x_t / alpha_t (nearest x_t where alpha_t = 0).
    const Matrix& pts = e.data().points;
    Index nearest = 0;
    ((pts.rowwise() - (xt / std::max(lt.alpha, 1e-12)).transpose()).rowwise().squaredNorm())
        .minCoeff(&nearest);
    const Vector x0 = pts.row(nearest).transpose(), bridge = f.c0 * x0 + f.ct * xt;
    v.x0[0] = x0[0], v.x0[1] = x0[1];
    v.bridgeMean[0] = bridge[0], v.bridgeMean[1] = bridge[1];
    const Vector em = exact.mean();
    const Matrix ec = exact.cov();
    v.exactMean[0] = em[0], v.exactMean[1] = em[1];
    v.exactCov[0] = ec(0, 0), v.exactCov[1] = ec(0, 1), v.exactCov[2] = ec(1, 1);

    // The window: the exact kernel's 4 standard deviations and the Gaussians' 2.5, around both.
    const double sdExact =
        std::sqrt(Eigen::SelfAdjointEigenSolver<Matrix>(ec).eigenvalues().maxCoeff());
    double x0w = INFINITY, x1w = -INFINITY, y0w = INFINITY, y1w = -INFINITY;
    auto cover = [&](const Vector& c, double r) {
        x0w = std::min(x0w, c[0] - r), x1w = std::max(x1w, c[0] + r);
        y0w = std::min(y0w, c[1] - r), y1w = std::max(y1w, c[1] + r);
    };
    cover(em, 4 * sdExact);
    cover(model, 2.5 * v.modelStd);
    cover(bridge, 2.5 * v.modelStd);
    const double half = 0.5 * std::max(x1w - x0w, y1w - y0w), cx = 0.5 * (x0w + x1w),
                 cy = 0.5 * (y0w + y1w);
    ScalarGrid& g = v.density;
    g.nx = g.ny = kGrid;
    g.x0 = cx - half, g.x1 = cx + half, g.y0 = cy - half, g.y1 = cy + half;
    g.label = "q(x_s | x_t) per unit area";
    Matrix cells(kGrid * kGrid, 2);
    const double h = 2 * half / kGrid;
    for (int r = 0; r < kGrid; ++r)
        for (int c = 0; c < kGrid; ++c)
            cells.row(r * kGrid + c) << g.x0 + (c + 0.5) * h, g.y0 + (r + 0.5) * h;
    const Vector logq = exact.logDensity(cells);
    // KL(q || p_theta) by the grid (q renormalised to the window): sum q (log q - log p) dA.
    const Vector logp =
        -(cells.rowwise() - model.transpose()).rowwise().squaredNorm().array() / (2 * f.var) -
        std::log(2 * std::numbers::pi * f.var);
    const double mass = logq.array().exp().sum() * h * h;
    v.kl = 0;
    for (Index k = 0; k < logq.size(); ++k) {
        const double q = std::exp(logq[k]);
        g.values.push_back(float(q));
        v.peak = std::max(v.peak, q);
        if (q > 0) v.kl += q * (logq[k] - std::log(mass) - logp[k]) * h * h / mass;
    }
    return v;
}

/// One row: the step's times, x_t, the exact kernel's mean and covariance, the model's mean and
/// standard deviation, the bridge's mean for the nearest data point, and the KL.
Table table(const SceneEngine& e, int frameIndex) {
    const ReverseKernelView v = build(e, frameIndex);
    Table t{{"t", "s", "x", "y", "exact_x", "exact_y", "exact_cov_xx", "exact_cov_xy",
             "exact_cov_yy", "model_x", "model_y", "model_std", "x0_x", "x0_y", "bridge_x",
             "bridge_y", "kl"},
            Matrix(1, 17)};
    t.rows.row(0) << v.time.t, v.s, v.xt[0], v.xt[1], v.exactMean[0], v.exactMean[1], v.exactCov[0],
        v.exactCov[1], v.exactCov[2], v.modelMean[0], v.modelMean[1], v.modelStd, v.x0[0], v.x0[1],
        v.bridgeMean[0], v.bridgeMean[1], v.kl;
    return t;
}

} // namespace

ViewInfo reverseKernel() {
    return {"reverse-kernel",
            "one reverse step at the highlighted particle: the exact q(x_s | x_t) against the "
            "model's Gaussian p_theta; small steps make the exact kernel nearly Gaussian",
            ViewData::Points,
            ViewClock::FollowsRun,
            [](const SceneEngine& e, ViewAt at) {
                return ViewSnapshot("reverse-kernel", build(e, at.frame));
            },
            [](const SceneEngine& e, ViewAt at) { return table(e, at.frame); },
            "t,s,x,y,exact_x,exact_y,exact_cov_xx,exact_cov_xy,exact_cov_yy,model_x,model_y,"
            "model_std,x0_x,x0_y,bridge_x,bridge_y,kl"};
}

} // namespace dfs::views
