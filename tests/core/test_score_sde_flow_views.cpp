// The score, reverse-SDE and flow views (issue 16): their registry entries, the Tweedie score
// against GmmDenoiser's direct formula, the fan's collapse onto the ODE path at eta = 0 and its
// spread at eta = 1 with the same noise draws, the step's drift/noise split against DDIM's eq. 12,
// the marginal against p_t (Fokker-Planck), and the mesh and round trip of the flow view.
#include "core/backend/cpu_backend.hpp"
#include "core/denoisers/gmm_denoiser.hpp"
#include "core/samplers/sde_fan.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_registry.hpp"
#include "core/scene/views/flow_mesh_data.hpp"
#include "core/scene/views/score_data.hpp"
#include "core/scene/views/sde_fan_data.hpp"
#include "core/scene/views/sde_marginal_data.hpp"
#include "test_support.hpp"

#include <cmath>

using namespace dfs;

namespace {

Scene gmmScene(const std::string& sampler, double eta, int steps = 12) {
    Scene s;
    s.data.n = 1000;
    s.sampler.sampler = sampler;
    s.sampler.options.eta = eta;
    s.sampler.steps = steps;
    s.sampler.particles = 40;
    s.sampler.seed = 5;
    s.view.highlight = 7;
    return s;
}

/// Table rows of the fan with this path index (-1: the ODE path), as (x, y) per frame.
Matrix fanPath(const Table& t, int path) {
    std::vector<Index> rows;
    for (Index r = 0; r < t.rows.rows(); ++r)
        if (t.rows(r, 2) == path) rows.push_back(r);
    Matrix out(Index(rows.size()), 2);
    for (std::size_t k = 0; k < rows.size(); ++k)
        out.row(Index(k)) = t.rows.block(rows[k], 3, 1, 2);
    return out;
}

/// Largest distance of any fan path from the ODE path over every frame.
double fanDistanceFromOde(const Table& t, int paths) {
    const Matrix ode = fanPath(t, -1);
    double worst = 0;
    for (int p = 0; p < paths; ++p)
        worst = std::max(worst, (fanPath(t, p) - ode).rowwise().norm().maxCoeff());
    return worst;
}

} // namespace

TEST_CASE("the four perspective views are registered with their clocks and tables") {
    for (const char* name : {"score", "sde-fan", "sde-marginal", "flow-mesh"}) {
        const ViewInfo& v = findView(name);
        INFO(name);
        CHECK(v.appliesTo == ViewData::Points);
        CHECK(v.followsRun() == (std::string(name) != "score"));
        CHECK(bool(v.table));
        CHECK(!v.caption.empty());
    }
}

TEST_CASE("score view: Tweedie's (alpha D - x)/sigma^2 equals the mixture's direct score") {
    CpuBackend backend(1);
    SceneEngine e(gmmScene("heun", 0), backend);
    const GmmDenoiser direct(*e.data().gmm);
    for (double t : {0.05, 0.3, 0.8}) {
        INFO("t = " << t);
        const NoiseLevel l = e.schedule().at(t);
        const Table table = viewTable(e, "score", 0, t);
        REQUIRE(table.columns == std::vector<std::string>{"x", "y", "sx", "sy"});
        const Matrix at = table.rows.leftCols(2), s = table.rows.rightCols(2);
        const Matrix exact = direct.score(at, l);
        CHECK((s - exact).cwiseAbs().maxCoeff() <
              1e-9 * std::max(1.0, exact.cwiseAbs().maxCoeff()));
        // The drawn arrows are sigma^2 s (float), the heat map ||s*|| at its own cells.
        const ScoreView v = makeSnapshot(e, "score", 0, t).as<ScoreView>();
        REQUIRE(v.model.size() == std::size_t(2 * at.rows()));
        CHECK(v.reference.empty()); // the exact model is its own reference
        const double s2 = l.sigma * l.sigma;
        for (Index r = 0; r < at.rows(); r += 37)
            CHECK(v.model[std::size_t(2 * r)] == Approx(s2 * exact(r, 0)).margin(1e-5));
        Matrix cell(1, 2);
        cell << v.heat.x0 + 0.5 * (v.heat.x1 - v.heat.x0) / v.heat.nx,
            v.heat.y0 + 0.5 * (v.heat.y1 - v.heat.y0) / v.heat.ny;
        CHECK(v.heat.values[0] == Approx(direct.score(cell, l).norm()).epsilon(1e-5));
    }
}

TEST_CASE("sde fan: eta = 0 collapses every path onto the ODE path; eta = 1 spreads them") {
    CpuBackend backend(1);
    auto fanAt = [&](double eta, int frame) {
        SceneEngine e(gmmScene("ddim", eta), backend);
        e.runToEnd();
        return std::make_pair(makeSnapshot(e, "sde-fan", frame, 0).as<SdeFanView>(),
                              viewTable(e, "sde-fan", frame, 0));
    };
    const auto [still, stillTable] = fanAt(0.0, 12);
    CHECK(still.paths == 64);
    CHECK(still.fan.size() == std::size_t(13 * 64 * 2));
    CHECK(still.knob == "eta = 0");
    CHECK(fanDistanceFromOde(stillTable, 64) < 1e-12);
    CHECK(still.spread < 1e-6);
    // The same draws scaled by eta: small eta gives a small, proportional departure from the ODE.
    const double d1 = fanDistanceFromOde(fanAt(0.01, 12).second, 64);
    const double d2 = fanDistanceFromOde(fanAt(0.02, 12).second, 64);
    INFO("departure from the ODE path: " << d1 << " at eta 0.01, " << d2 << " at eta 0.02");
    const double half = fanAt(0.5, 12).first.spread, full = fanAt(1.0, 12).first.spread;
    INFO("spread at the end: " << half << " at eta 0.5, " << full << " at eta 1");
    CHECK(d1 > 0);
    CHECK(d1 < 0.1 * full);
    CHECK(d2 / d1 == Approx(2).epsilon(0.1));
    CHECK(half > 0.05);
    CHECK(full > half);
}

TEST_CASE("sde fan: path 0 draws the highlighted particle's noise and retraces its run path") {
    CpuBackend backend(1);
    SceneEngine e(gmmScene("ddim", 1.0), backend);
    e.runToEnd();
    const Matrix path = fanPath(viewTable(e, "sde-fan", 12, 0), 0);
    for (int k = 0; k <= 12; ++k) CHECK((path.row(k) - e.frame(k)->x.row(7)).norm() < 1e-9);
}

TEST_CASE("sde fan: a step is drift + noise, the noise DDIM's c z (Song et al. 2021a, eq. 12)") {
    CpuBackend backend(1);
    SceneEngine e(gmmScene("ddim", 1.0), backend);
    FanConfig c;
    c.sampler = fanSampler("ddim", e.scene().sampler.options);
    c.grid = e.grid();
    c.seed = 5;
    c.firstPath = 7;
    c.paths = 3;
    const Matrix xT = e.frame(0)->x.row(7);
    const std::vector<Matrix> frames = fanFrames(e.schedule(), e.denoiser(), backend, c, xT, 12);
    for (int k : {0, 5, 10}) {
        INFO("step " << k);
        const NoiseLevel t = e.schedule().at(c.grid[std::size_t(k)]),
                         s = e.schedule().at(c.grid[std::size_t(k) + 1]);
        for (int p = 0; p < 3; ++p) {
            const Matrix x = frames[std::size_t(k)].row(p);
            const StepParts parts = stepParts(e.schedule(), e.denoiser(), backend, c, k, x, 7 + p);
            CHECK((x + parts.drift + parts.noise - frames[std::size_t(k) + 1].row(p)).norm() <
                  1e-12);
            const double aTs = t.alpha / s.alpha;
            const double s2Ts = t.sigma * t.sigma - aTs * aTs * s.sigma * s.sigma;
            const double cz = std::sqrt(s2Ts * s.sigma * s.sigma / (t.sigma * t.sigma));
            const Matrix z = gaussianNoise(5, 7 + p, 1, 2, std::uint32_t(k), 0);
            CHECK((parts.noise - cz * z).norm() < 1e-12);
        }
    }
}

TEST_CASE("sde fan: a sampler without a noise knob is stood in for by ddim with eta = 1") {
    CpuBackend backend(1);
    SceneEngine e(gmmScene("heun", 0), backend);
    e.runToEnd();
    const SdeFanView v = makeSnapshot(e, "sde-fan", 6, 0).as<SdeFanView>();
    CHECK(v.sampler == "ddim");
    CHECK(v.knob == "eta = 1");
    CHECK(v.sceneSampler == "heun");
    CHECK(v.drift.size() == 2);
    CHECK(v.noise.size() == 2);
    // EDM's churn is the knob of edm-sde: S_churn = 0 collapses the fan as eta = 0 does.
    Scene edm = gmmScene("edm-sde", 0);
    edm.sampler.options.churn = 0;
    SceneEngine f(edm, backend);
    f.runToEnd();
    CHECK(fanDistanceFromOde(viewTable(f, "sde-fan", 12, 0), 64) < 1e-12);
    CHECK(test::contains(test::errorOf<UsageError>([&] { makeSnapshot(f, "sde-fan", 40, 0); }),
                         "frame"));
}

TEST_CASE("sde marginal: the run's particles match p_t at every frame (Fokker-Planck)") {
    CpuBackend backend(1);
    Scene s = gmmScene("ddim", 1.0, 20);
    s.sampler.particles = 4000;
    SceneEngine e(s, backend);
    e.runToEnd();
    for (int frame : {5, 12, 20}) {
        INFO("frame " << frame);
        const SdeMarginalView v = makeSnapshot(e, "sde-marginal", frame, 0).as<SdeMarginalView>();
        CHECK(test::contains(v.exactLabel, "exact p_t"));
        CHECK(test::contains(v.exactLabel, "smoothed to sigma~ = 0.062") ==
              (frame == 20)); // t = 0: smoothed
        const double cell =
            (v.exact.x1 - v.exact.x0) * (v.exact.y1 - v.exact.y0) / (v.exact.nx * v.exact.ny);
        double massExact = 0, massSamples = 0, l1 = 0;
        for (std::size_t i = 0; i < v.exact.values.size(); ++i) {
            massExact += v.exact.values[i] * cell;
            massSamples += v.samples.values[i] * cell;
            l1 += std::abs(v.exact.values[i] - v.samples.values[i]) * cell;
        }
        INFO("mass of p_t " << massExact << ", of the particles " << massSamples << ", L1 " << l1
                            << ", energy " << v.energy << " (floor " << v.energyFloor << ")");
        CHECK(massExact == Approx(1).epsilon(0.02));
        CHECK(massSamples == Approx(1).epsilon(0.02));
        CHECK(v.energy < 3 * v.energyFloor + 1e-3);
    }
}

TEST_CASE("flow mesh: the grid starts regular, and the round trip's error falls with steps") {
    CpuBackend backend(1);
    auto meshOf = [&](int steps, int frame) {
        SceneEngine e(gmmScene("heun", 0, steps), backend);
        e.runToEnd();
        return makeSnapshot(e, "flow-mesh", frame, 0).as<FlowMeshView>();
    };
    const FlowMeshView v = meshOf(10, 0);
    REQUIRE(v.mesh.size() == std::size_t(2 * 17 * 32 * 2));
    const double w = v.meshHalfWidth;
    CHECK(v.mesh[0] == Approx(-w)); // line 0, point 0: the bottom left corner
    CHECK(v.mesh[1] == Approx(-w));
    CHECK(v.mesh[2 * 31] == Approx(w)); // line 0 runs along x at y = -w
    CHECK(v.mesh[2 * 31 + 1] == Approx(-w));
    const double coarse = meshOf(10, 10).roundTripMean, fine = meshOf(40, 40).roundTripMean;
    INFO("round trip mean error " << coarse << " (10 steps), " << fine << " (40 steps)");
    CHECK(fine < coarse);
    const FlowMeshView end = meshOf(40, 40);
    CHECK(end.roundTripMean <= end.roundTripMax);
    CHECK(end.roundTripMean < 0.01);
    CHECK(end.roundTripMax < 0.2);
    SceneEngine e(gmmScene("heun", 0, 10), backend);
    const Table t = viewTable(e, "flow-mesh", 0, 0);
    REQUIRE(t.columns.back() == "error");
    for (Index r = 0; r < t.rows.rows(); r += 17)
        CHECK(t.rows(r, 6) == Approx((t.rows.block(r, 4, 1, 2) - t.rows.block(r, 0, 1, 2)).norm()));
}
