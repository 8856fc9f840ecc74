// The sensitivity view (diffusion-math.md Section 1.6): the unrolled sampler's end-to-end
// Jacobian dx_i/dx_T for a few dozen particles, drawn as the image of a small circle around
// each start (an ellipse at x_i whose axes are J's singular values times the radius), and
// backpropagation through time: the gradient of ||x_i - m||^2 with respect to the starting
// noise, 2 J^T (x_i - m), drawn as arrows on the starting points, for m the point the user
// clicked in the view (SceneView::target) or, until then, the data mean.
#include "core/datasets/point_set.hpp"
#include "core/denoisers/denoiser.hpp"
#include "core/io/table_io.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_registry.hpp"
#include "core/scene/views/run_unroll.hpp"
#include "core/scene/views/sensitivity_data.hpp"

#include <Eigen/SVD>
#include <algorithm>
#include <cmath>

namespace dfs::views {

namespace {

constexpr long kProbes = 36;              ///< particles whose Jacobians are drawn
constexpr Index kMaxPoints = 2000;        ///< particles and data points drawn
constexpr double kEllipseFraction = 0.05; ///< the median ellipse's major radius / extent

void pushThinned(std::vector<float>& out, const Matrix& m) {
    const Index stride = std::max<Index>(1, (m.rows() + kMaxPoints - 1) / kMaxPoints);
    for (Index i = 0; i < m.rows(); i += stride)
        out.insert(out.end(), {float(m(i, 0)), float(m(i, 1))});
}

SensitivityView build(const SceneEngine& e, int frameIndex) {
    const auto frame = e.frame(frameIndex); // UsageError for a frame not recorded
    SensitivityView v;
    v.box.extent = e.scene().view.extent;
    v.time = e.timeInfo(frame->t);
    v.sampler = e.scene().sampler.sampler;
    v.network = e.denoiser().name();
    v.frame = frameIndex;
    Vector mean = e.data().points.colwise().mean().transpose();
    if (const auto& clicked = e.scene().view.target) {
        mean << (*clicked)[0], (*clicked)[1];
        v.targetLabel = "clicked point";
    }
    v.target[0] = mean[0], v.target[1] = mean[1];
    pushThinned(v.data, e.data().points);
    pushThinned(v.samples, frame->x);
    std::vector<double> majors;
    for (long p = 0; p < std::min<long>(kProbes, long(frame->x.rows())); ++p) {
        const UnrolledJacobian u = unrollParticle(e, p);
        v.exactJacobian = v.exactJacobian && u.exactJacobian;
        const Matrix& j = u.fromStart[std::size_t(frameIndex)];
        const Vector& x = u.path[std::size_t(frameIndex)];
        const Vector g = 2 * j.transpose() * (x - mean); // BPTT: J^T dL/dx_i
        v.particles.push_back(p);
        v.start.insert(v.start.end(), {u.path[0][0], u.path[0][1]});
        v.end.insert(v.end.end(), {x[0], x[1]});
        v.jacobian.insert(v.jacobian.end(), {j(0, 0), j(0, 1), j(1, 0), j(1, 1)});
        v.gradient.insert(v.gradient.end(), {g[0], g[1]});
        majors.push_back(Eigen::JacobiSVD<Matrix>(j).singularValues()[0]);
    }
    // One radius for every circle, so the ellipses compare: the median one is 5% of the extent.
    if (!majors.empty()) {
        std::nth_element(majors.begin(), majors.begin() + long(majors.size() / 2), majors.end());
        const double med = majors[majors.size() / 2];
        v.radius = med > 0 ? std::clamp(kEllipseFraction * v.box.extent / med, 1e-4 * v.box.extent,
                                        0.2 * v.box.extent)
                           : 0.1;
    }
    return v;
}

Table table(const SceneEngine& e, int frameIndex) {
    const SensitivityView v = build(e, frameIndex);
    const Index n = Index(v.particles.size());
    Table t{{"particle", "x_T", "y_T", "x", "y", "j_xx", "j_xy", "j_yx", "j_yy", "sigma_max",
             "sigma_min", "grad_x", "grad_y", "loss"},
            Matrix(n, 14)};
    for (Index i = 0; i < n; ++i) {
        Matrix j(2, 2);
        j << v.jacobian[4 * i], v.jacobian[4 * i + 1], v.jacobian[4 * i + 2], v.jacobian[4 * i + 3];
        const Vector s = Eigen::JacobiSVD<Matrix>(j).singularValues();
        const double dx = v.end[2 * i] - v.target[0], dy = v.end[2 * i + 1] - v.target[1];
        t.rows.row(i) << double(v.particles[std::size_t(i)]), v.start[2 * i], v.start[2 * i + 1],
            v.end[2 * i], v.end[2 * i + 1], j(0, 0), j(0, 1), j(1, 0), j(1, 1), s[0], s[1],
            v.gradient[2 * i], v.gradient[2 * i + 1], dx * dx + dy * dy;
    }
    return t;
}

} // namespace

ViewInfo sensitivity() {
    return {"sensitivity",
            "sensitivity to the start: the image of a small circle around x_T under dx/dx_T, and "
            "arrows of -d||x - m||^2/dx_T on the starting points (backpropagation through "
            "time), m the point clicked in the view (at first the data mean)",
            ViewData::Points,
            ViewClock::FollowsRun,
            [](const SceneEngine& e, ViewAt at) {
                return ViewSnapshot("sensitivity", build(e, at.frame));
            },
            [](const SceneEngine& e, ViewAt at) { return table(e, at.frame); },
            "particle,x_T,y_T,x,y,j_xx,j_xy,j_yx,j_yy,sigma_max,sigma_min,grad_x,grad_y,loss"};
}

} // namespace dfs::views
