// The trajectories view's log-likelihood colouring: on a single Gaussian N(mu, c^2 I) every
// particle's PF-ODE log p_t equals log N(x; alpha mu, (alpha^2 c^2 + sigma^2) I) (diffusion-math.md
// 3.8, 4.3) to the solver's tolerance, at the run's end (t_min) and at a frame half-way; the
// closed-form column to float precision; "time" computes nothing; a bad name is refused.
#include "core/backend/cpu_backend.hpp"
#include "core/errors.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/schedules/schedule.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

using namespace dfs;

namespace {

Scene gaussianScene() {
    Scene s;
    GmmParams g;
    g.weights = {1.0};
    Vector mu(2);
    mu << 1.0, -0.5;
    g.means = {mu};
    g.covs = {0.49 * Matrix::Identity(2, 2)};
    s.data.mixture = g;
    s.data.n = 400;
    s.model.denoiser = "exact";
    s.sampler.sampler = "heun";
    s.sampler.steps = 10;
    s.sampler.particles = 40;
    s.view.particleColour = "log-likelihood";
    return s;
}

double analytic(const SceneEngine& e, double t, double x, double y) {
    const NoiseLevel l = e.schedule().at(std::max(t, 1e-3));
    const double v = l.alpha * l.alpha * 0.49 + l.sigma * l.sigma;
    const double dx = x - l.alpha * 1.0, dy = y + l.alpha * 0.5;
    return -std::log(2 * std::numbers::pi * v) - 0.5 * (dx * dx + dy * dy) / v;
}

} // namespace

TEST_CASE("particle log-likelihood equals a single Gaussian's density", "[views]") {
    CpuBackend backend(1);
    SceneEngine e(gaussianScene(), backend);
    e.runToEnd();
    for (const int f : {e.recordedFrames() - 1, 5}) {
        const TrajectoryView v = e.trajectoryView(f);
        INFO("frame " << f << " at t = " << v.time.t << ": " << v.logpNote);
        CHECK(v.colour == "log-likelihood");
        REQUIRE(v.logp.size() == 40);
        REQUIRE(v.logpExact.size() == 40);
        CHECK(v.logpNote.find("nats") != std::string::npos);
        CHECK(v.logpHigh > v.logpLow);
        for (std::size_t p = 0; p < 40; ++p) {
            const double a = analytic(e, v.time.t, v.current[2 * p], v.current[2 * p + 1]);
            // rk45 at rtol = atol = 1e-4 (the likelihood view's): within 2e-3 nats.
            CHECK(v.logp[p] == Approx(a).margin(2e-3));
            CHECK(v.logpExact[p] == Approx(a).margin(1e-4)); // float storage
        }
    }
}

TEST_CASE("particle colouring by time computes no likelihood; bad names are refused", "[views]") {
    CpuBackend backend(1);
    Scene s = gaussianScene();
    s.view.particleColour = "time";
    SceneEngine e(s, backend);
    const TrajectoryView v = e.trajectoryView(0);
    CHECK(v.colour == "time");
    CHECK(v.logp.empty());
    s.view.particleColour = "rainbow";
    CHECK_THROWS_WITH(validateScene(s), Catch::Contains("view.particleColour"));
}
