// The recurrent-network perspective's views (core/scene/views/rnn_cells_view.cpp and
// sensitivity_view.cpp) built from a scene: the unrolled cells retrace the run, their
// coefficients are DDIM's (diffusion-math.md Section 1.6), and the backpropagated gradient is
// the directional derivative of the run's objective.
#include "core/backend/cpu_backend.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_registry.hpp"
#include "core/scene/views/rnn_cells_data.hpp"
#include "core/scene/views/sensitivity_data.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace dfs;

namespace {

Scene rnnScene(const std::string& sampler, int steps) {
    Scene s;
    s.data.n = 1000;
    s.model.denoiser = "exact";
    s.sampler.sampler = sampler;
    s.sampler.steps = steps;
    s.sampler.particles = 50;
    s.sampler.seed = 5;
    s.view.highlight = 3;
    return s;
}

} // namespace

TEST_CASE("rnn-cells view: one DDIM cell per step along the highlighted particle's run",
          "[views]") {
    CpuBackend backend(1);
    SceneEngine e(rnnScene("ddim", 12), backend);
    e.runToEnd();
    const ViewInfo& info = findView("rnn-cells");
    CHECK(info.followsRun());
    CHECK(info.appliesTo == ViewData::Points);
    const auto v = makeSnapshot(e, "rnn-cells", 5, 0).as<RnnCellsView>();
    CHECK(v.particle == 3);
    CHECK(v.network == "exact");
    CHECK(v.exactJacobian);
    REQUIRE(v.t.size() == 12);
    // The cells retrace the run: x_i is the particle's state at frame i.
    for (int i = 0; i < 12; ++i) {
        INFO("step " << i);
        const auto f = e.frame(i);
        CHECK(std::abs(v.x[2 * i] - f->x(3, 0)) < 1e-9);
        CHECK(std::abs(v.x[2 * i + 1] - f->x(3, 1)) < 1e-9);
        // DDIM: a = sigma_{i+1}/sigma_i, b = alpha_{i+1} - alpha_i sigma_{i+1}/sigma_i.
        const NoiseLevel l = e.schedule().at(v.t[i]), n = e.schedule().at(v.tNext[i]);
        CHECK(v.a[i] == Approx(n.sigma / l.sigma).margin(1e-12));
        CHECK(v.b[i] == Approx(n.alpha - l.alpha * n.sigma / l.sigma).margin(1e-12));
        CHECK(v.c[i] == 0.0);
        CHECK(v.nfe[i] == 1);
        CHECK(v.sigmaMax[i] >= v.sigmaMin[i]);
        CHECK(v.sigmaMin[i] > 0);
        CHECK(v.logDet[i] == Approx(std::log(v.sigmaMax[i] * v.sigmaMin[i])).margin(1e-9));
    }
    // The last cell is x_N = D(x_{N-1}): a = 0, b = 1, and the denoised point is x_N.
    CHECK(v.a.back() == Approx(0).margin(1e-12));
    CHECK(v.b.back() == Approx(1).margin(1e-12));
    // Eight cells around the shown frame, the frame among them.
    CHECK(v.cellCount == 8);
    CHECK(v.firstCell <= 5);
    CHECK(v.firstCell + v.cellCount > 5);
    const Table t = viewTable(e, "rnn-cells", 5, 0);
    CHECK(t.rows.rows() == 12);
    CHECK(t.columns.size() == 14);
    CHECK(t.rows(4, 8) == Approx(v.sigmaMax[4]));
    // Heun: two calls per cell but the last.
    SceneEngine h(rnnScene("heun", 6), backend);
    const auto hv = makeSnapshot(h, "rnn-cells", 0, 0).as<RnnCellsView>();
    CHECK(hv.nfe.front() == 2);
    CHECK(hv.nfe.back() == 1);
}

TEST_CASE("rnn-cells view: untied networks label each cell by the one it calls", "[views]") {
    CpuBackend backend(1);
    Scene scene = rnnScene("ddim", 12);
    scene.model.denoiserBelow = "ideal";
    scene.model.sigmaSplit = 0.8;
    SceneEngine e(scene, backend);
    e.runToEnd();
    const auto v = makeSnapshot(e, "rnn-cells", 3, 0).as<RnnCellsView>();
    CHECK(v.network == "exact");
    CHECK(v.networkBelow == "ideal");
    CHECK(v.sigmaSplit == 0.8);
    REQUIRE(v.networkOf.size() == 12);
    int above = 0, below = 0;
    for (std::size_t i = 0; i < 12; ++i) {
        const NoiseLevel l = e.schedule().at(v.t[i]);
        CHECK(v.networkOf[i] == (l.sigma >= 0.8 * l.alpha ? 0 : 1));
        (v.networkOf[i] ? below : above) += 1;
    }
    CHECK(above > 0);
    CHECK(below > 0);
    // The cells are ordered from noise to data: the switch happens once.
    for (std::size_t i = 1; i < 12; ++i) CHECK(v.networkOf[i] >= v.networkOf[i - 1]);
    const Table t = viewTable(e, "rnn-cells", 3, 0);
    CHECK(t.rows(11, 13) == 1.0);
    CHECK(t.rows(0, 13) == 0.0);
    // Tied: every cell calls the one network.
    SceneEngine tied(rnnScene("ddim", 12), backend);
    const auto tv = makeSnapshot(tied, "rnn-cells", 0, 0).as<RnnCellsView>();
    CHECK(tv.networkBelow.empty());
    for (int n : tv.networkOf) CHECK(n == 0);
}

TEST_CASE("sensitivity view: BPTT's gradient is the run's directional derivative", "[views]") {
    CpuBackend backend(1);
    const Scene scene = rnnScene("heun", 8);
    SceneEngine e(scene, backend);
    e.runToEnd();
    const int last = e.recordedFrames() - 1;
    const auto v = makeSnapshot(e, "sensitivity", last, 0).as<SensitivityView>();
    REQUIRE(v.particles.size() == 36);
    const Vector mean = e.data().points.colwise().mean().transpose();
    CHECK(v.target[0] == Approx(mean[0]));
    CHECK(v.target[1] == Approx(mean[1]));
    CHECK(v.radius > 0);
    SamplerRunConfig c;
    c.sampler = &findSampler("heun");
    c.grid = e.grid();
    c.seed = scene.sampler.seed;
    const auto loss = [&](const Vector& xT, std::uint32_t p) {
        c.firstParticle = p;
        SamplerRun run(e.schedule(), e.denoiser(), backend, c, xT.transpose());
        while (!run.done()) run.step();
        return (run.current().x.row(0).transpose() - mean).squaredNorm();
    };
    const Matrix dirs = test::normals(3, 5, 2);
    for (int k = 0; k < 5; ++k) {
        const std::size_t p = std::size_t(7 * k);
        INFO("particle " << p);
        const Vector xT{{v.start[2 * p], v.start[2 * p + 1]}};
        CHECK(xT[0] == e.frame(0)->x(long(p), 0));
        CHECK(std::abs(v.end[2 * p] - e.frame(last)->x(long(p), 0)) < 1e-9);
        const Vector u = dirs.row(k).transpose().normalized();
        const double h = 1e-6;
        const double fd =
            (loss(xT + h * u, std::uint32_t(p)) - loss(xT - h * u, std::uint32_t(p))) / (2 * h);
        const double g = v.gradient[2 * p] * u[0] + v.gradient[2 * p + 1] * u[1];
        CHECK(std::abs(g - fd) < 1e-5 * std::max(1.0, std::abs(fd)));
    }
    const Table t = viewTable(e, "sensitivity", last, 0);
    CHECK(t.rows.rows() == 36);
    CHECK(t.columns.size() == 14);
    // Frame 0: nothing has happened yet, dx_0/dx_T = I and the gradient is 2 (x_T - mean).
    const auto v0 = makeSnapshot(e, "sensitivity", 0, 0).as<SensitivityView>();
    CHECK(v0.jacobian[0] == 1.0);
    CHECK(v0.jacobian[1] == 0.0);
    CHECK(v0.gradient[0] == Approx(2 * (v0.start[0] - mean[0])));
}

TEST_CASE("sensitivity view: a clicked target moves the gradients; a step against one lowers "
          "the objective",
          "[views]") {
    CpuBackend backend(1);
    Scene scene = rnnScene("ddim", 10);
    SceneEngine e(scene, backend);
    e.runToEnd();
    const int last = e.recordedFrames() - 1;
    const auto before = makeSnapshot(e, "sensitivity", last, 0).as<SensitivityView>();
    CHECK(before.targetLabel == "data mean");
    SceneView view = e.scene().view;
    view.target = std::array<double, 2>{2.5, -1.5};
    e.setView(view);
    const auto v = makeSnapshot(e, "sensitivity", last, 0).as<SensitivityView>();
    CHECK(v.target[0] == 2.5);
    CHECK(v.target[1] == -1.5);
    CHECK(v.targetLabel == "clicked point");
    SamplerRunConfig c;
    c.sampler = &findSampler("ddim");
    c.grid = e.grid();
    c.seed = scene.sampler.seed;
    const Vector m{{2.5, -1.5}};
    const auto loss = [&](const Vector& xT, std::uint32_t p) {
        c.firstParticle = p;
        SamplerRun run(e.schedule(), e.denoiser(), backend, c, xT.transpose());
        while (!run.done()) run.step();
        return (run.current().x.row(0).transpose() - m).squaredNorm();
    };
    int moved = 0;
    for (std::size_t p = 0; p < v.particles.size(); p += 5) {
        INFO("particle " << p);
        const Vector g{{v.gradient[2 * p], v.gradient[2 * p + 1]}};
        const Vector g0{{before.gradient[2 * p], before.gradient[2 * p + 1]}};
        moved += (g - g0).norm() > 1e-6;
        if (g.norm() < 1e-9) continue;
        const Vector xT{{v.start[2 * p], v.start[2 * p + 1]}};
        // The objective's gradient: a small step of x_T along -g lowers it (first order).
        const double h = 1e-4 / g.norm();
        CHECK(loss(xT - h * g, std::uint32_t(p)) < loss(xT, std::uint32_t(p)));
        CHECK(loss(xT + h * g, std::uint32_t(p)) > loss(xT, std::uint32_t(p)));
    }
    CHECK(moved >= 6);
    // The table's loss column is the distance to the clicked point.
    const Table t = viewTable(e, "sensitivity", last, 0);
    const double dx = v.end[0] - 2.5, dy = v.end[1] + 1.5;
    CHECK(t.rows(0, 13) == Approx(dx * dx + dy * dy));
}

TEST_CASE("rnn views refuse the predictor-corrector and images", "[views]") {
    CpuBackend backend(1);
    SceneEngine pc(rnnScene("pc", 4), backend);
    CHECK(test::contains(test::errorOf<UsageError>([&] { makeSnapshot(pc, "rnn-cells", 0, 0); }),
                         "affine"));
}
