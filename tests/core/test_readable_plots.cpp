// What the views hand their renderers so that plots stay readable (issue 15, item 6): the
// trajectories' path count and opacity as scene settings, the chain's small multiples evenly
// spaced in logSNR, and the field's error map on one colour range at every t.
#include "core/backend/cpu_backend.hpp"
#include "core/model/checkpoint.hpp"
#include "core/model/model.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/scene_io.hpp"
#include "core/scene/view_registry.hpp"
#include "core/scene/views/score_data.hpp"
#include "core/schedules/log_snr_sweep.hpp"
#include "core/schedules/schedule.hpp"
#include "test_support.hpp"

#include <filesystem>

using namespace dfs;
using dfs::test::contains;
using dfs::test::errorOf;

namespace {

Scene smallScene() {
    Scene s;
    s.data.n = 500;
    s.sampler.sampler = "em";
    s.sampler.steps = 6;
    s.sampler.particles = 3000;
    return s;
}

} // namespace

TEST_CASE("trajectories: how many paths and how opaque are scene settings", "[views][plots]") {
    // Today's look by default; a scene file without the keys keeps it.
    const Scene plain;
    CHECK(plain.view.paths == 400);
    CHECK(plain.view.pathOpacity == Approx(110.0 / 255).epsilon(0.01));
    Scene s = smallScene();
    s.view.paths = 1500;
    s.view.pathOpacity = 0.08;
    const Scene back = sceneFromJson(sceneToJson(s), "s.json");
    CHECK(back.view.paths == 1500);
    CHECK(back.view.pathOpacity == 0.08);
    std::string old = sceneToJson(smallScene());
    for (const char* key : {"\"paths\"", "\"pathOpacity\""}) {
        const auto at = old.find(key);
        REQUIRE(at != std::string::npos);
        old.erase(at, old.find('\n', at) - at + 1);
    }
    const Scene before = sceneFromJson(old, "s.json"); // keys sorted: neither was the last

    CHECK(before.view.paths == 400);

    CpuBackend backend(2);
    SceneEngine e(s, backend);
    e.runToEnd();
    TrajectoryView v = e.trajectoryView(e.recordedFrames() - 1);
    CHECK(v.pathCount == 1500); // every second of 3000 particles
    CHECK(v.pathOpacity == Approx(0.08));
    CHECK(v.paths.size() == std::size_t(2 * 1500 * e.recordedFrames()));
    SceneView none = e.scene().view;
    none.paths = 0;
    e.setView(none);
    v = e.trajectoryView(e.recordedFrames() - 1);
    CHECK(v.pathCount == 0);
    CHECK(v.paths.empty());
    CHECK(v.current.size() == std::size_t(2 * 3000)); // the particles themselves stay

    SceneView bad = e.scene().view;
    bad.pathOpacity = 0;
    CHECK(contains(errorOf<UsageError>([&] { e.setView(bad); }), "view.pathOpacity"));
    bad.pathOpacity = 0.5;
    bad.paths = -1;
    CHECK(contains(errorOf<UsageError>([&] { e.setView(bad); }), "view.paths"));
}

TEST_CASE("chain: the small multiples are evenly spaced in logSNR between the schedule's ends",
          "[views][plots]") {
    CpuBackend backend(1);
    for (const char* schedule : {"vp-linear", "cosine", "edm"}) {
        Scene s = smallScene();
        s.model.schedule = schedule;
        s.sampler.particles = 100;
        SceneEngine e(s, backend);
        const ChainView v = e.chainView(0.3);
        REQUIRE(v.strip.size() == 6);
        const double hi = e.schedule().gridLogSnrMax(), lo = e.schedule().gridLogSnrMin();
        CHECK(v.strip.front().logSnr == Approx(hi).epsilon(1e-6));
        CHECK(v.strip.back().logSnr == Approx(lo).epsilon(1e-6));
        for (std::size_t k = 1; k < v.strip.size(); ++k) {
            CHECK(v.strip[k].logSnr - v.strip[k - 1].logSnr == Approx((lo - hi) / 5).epsilon(1e-5));
            CHECK(v.strip[k].t > v.strip[k - 1].t);
        }
        // Uniform t put three of six vp-linear cells at logSNR < -3, pure noise to the eye.
        int noise = 0;
        for (const ChainView::Cell& c : v.strip) noise += c.logSnr < -3;
        CHECK(noise <= 2);
    }
    const auto sweep = logSnrSweep(*makeSchedule("vp-linear"), 1);
    REQUIRE(sweep.size() == 1);
    CHECK(logSnrSweep(*makeSchedule("vp-linear"), 0).empty());
}

TEST_CASE("field: a learned model's error map keeps one colour range while t moves",
          "[views][plots]") {
    // An untrained MLP: far from the exact field, differently at every t.
    const auto path =
        (std::filesystem::temp_directory_path() / "dfs_readable_plots_model.dsm").string();
    ModelSpec spec;
    spec.mean = {0.0, 0.0};
    saveCheckpoint(path, Model(spec), {"gmm8", 1, 0, 0.0});
    CpuBackend backend(2);
    Scene s = smallScene();
    s.sampler.particles = 100;
    s.model.denoiser = path;
    SceneEngine e(s, backend);
    REQUIRE(e.reference());
    double firstMax = -1, firstPeak = -1;
    bool peaksDiffer = false;
    for (double t : {0.05, 0.3, 0.6, 0.95}) {
        const FieldView v = e.fieldView(t);
        REQUIRE(!v.error.empty());
        CHECK(v.errorMax > 0);
        CHECK(contains(v.errorRange, "the same at every t"));
        float peak = 0;
        for (float x : v.error.values) peak = std::max(peak, x);
        if (firstMax < 0) firstMax = v.errorMax, firstPeak = peak;
        CHECK(v.errorMax == firstMax); // before: each t's own maximum
        peaksDiffer = peaksDiffer || std::abs(peak - firstPeak) > 1e-3 * firstPeak;
    }
    CHECK(peaksDiffer); // so a per-t range would have jumped
    // The score view's error map |s_theta - s*| has one range too: the field's for "score".
    const ScoreView a = makeSnapshot(e, "score", 0, 0.2).as<ScoreView>();
    const ScoreView b = makeSnapshot(e, "score", 0, 0.8).as<ScoreView>();
    CHECK(a.heatMax > 0);
    CHECK(a.heatMax == b.heatMax);
    CHECK(a.heatMax == e.errorColourMax("score"));
    // Another quantity has its own range.
    SceneView eps = e.scene().view;
    eps.fieldQuantity = "eps";
    e.setView(eps);
    CHECK(e.fieldView(0.5).errorMax != firstMax);
    std::filesystem::remove(path);
}
