// The perspective views built from a scene (core/scene/views/): denoising-error and expectation,
// with their curves and tables against the closed forms they stand on.
#include "core/backend/cpu_backend.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_registry.hpp"
#include "core/denoisers/gmm_denoiser.hpp"
#include "core/denoisers/ideal_denoiser.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/scene/views/denoising_error_data.hpp"
#include "core/scene/views/expectation_data.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace dfs;

namespace {

Scene pointsScene(const std::string& denoiser) {
    Scene s;
    s.data.n = 2000;
    s.model.denoiser = denoiser;
    s.sampler.steps = 4;
    s.sampler.particles = 50;
    return s;
}

} // namespace

TEST_CASE("denoising-error view: the exact model's MSE is its own Bayes error", "[views]") {
    CpuBackend backend(1);
    SceneEngine e(pointsScene("exact"), backend);
    const ViewInfo& info = findView("denoising-error");
    CHECK(info.appliesTo == ViewData::Both);
    CHECK(!info.followsRun());
    const auto v = makeSnapshot(e, "denoising-error", 0, 0.3).as<DenoisingErrorView>();
    CHECK(v.model == "exact");
    CHECK(v.modelIsReference);
    CHECK(v.reference == "exact");
    REQUIRE(v.logSnr.size() == 24);
    REQUIRE(v.bayes.size() == 24);
    CHECK(v.time.logSnr == Approx(e.schedule().logSnr(0.3)));
    for (std::size_t i = 0; i < v.logSnr.size(); ++i) {
        INFO("logSNR " << v.logSnr[i]);
        CHECK(std::abs(v.mse[i] - v.bayes[i]) < 4 * std::hypot(v.mseSe[i], v.bayesSe[i]));
        if (i) CHECK(v.logSnr[i] > v.logSnr[i - 1]);
    }
    // The error falls from the data's variance per dimension (D = mean at logSNR -> -inf) to
    // about 0 (D = identity).
    const Matrix& x = e.data().points;
    const double var = (x.rowwise() - x.colwise().mean()).squaredNorm() / double(x.size());
    CHECK(v.bayes.front() == Approx(var).epsilon(0.05));
    CHECK(v.bayes.back() < 1e-3 * var);
    // The MSE at the cursor lies between its neighbours on the grid.
    CHECK(v.mseAtCursor > 0);
    const Table t = viewTable(e, "denoising-error", 0, 0.3);
    CHECK(t.columns == std::vector<std::string>{"logsnr", "t", "sigma", "mse", "mse_se", "bayes",
                                                "bayes_se", "w_eps", "w_v", "w_velocity", "w_score"});
    CHECK(t.rows.rows() == 24);
    CHECK(t.rows(5, 3) == v.mse[5]);
    CHECK(t.rows(5, 7) == Approx(std::exp(v.logSnr[5]))); // eps weight = SNR
}

TEST_CASE("expectation view: the posterior at the highlighted particle", "[views]") {
    CpuBackend backend(1);
    for (const char* denoiser : {"exact", "ideal"}) {
        Scene s = pointsScene(denoiser);
        s.data.n = 300;
        s.view.highlight = 7;
        SceneEngine e(s, backend);
        e.runToEnd();
        const ViewInfo& info = findView("expectation");
        CHECK(info.followsRun());
        CHECK(info.appliesTo == ViewData::Points);
        for (int f : {1, 2, 3}) {
            INFO(denoiser << " frame " << f);
            const auto v = makeSnapshot(e, "expectation", f, 0).as<ExpectationView>();
            const auto fr = e.frame(f);
            CHECK(v.particle == 7);
            CHECK(v.x[0] == fr->x(7, 0));
            const NoiseLevel l = e.schedule().at(fr->t);
            // D*(x) is the scene's exact/ideal denoiser at x (the ideal's kernel is float).
            Matrix d(1, 2);
            e.denoiser().denoiseRows(fr->x.row(7), l, d, 0, 1);
            CHECK(std::abs(v.mean[0] - d(0, 0)) < 1e-5);
            CHECK(std::abs(v.mean[1] - d(0, 1)) < 1e-5);
            CHECK(v.xOverAlpha[1] == Approx(fr->x(7, 1) / l.alpha));
            double wsum = 0, w2 = 0;
            for (float w : v.componentWeight) wsum += w, w2 += double(w) * w;
            for (float w : v.pointWeight) wsum += w, w2 += double(w) * w;
            CHECK(wsum == Approx(1.0).epsilon(1e-5));
            CHECK(v.effectiveCount == Approx(1 / w2).epsilon(1e-4));
            CHECK(v.effectiveCount >= 1.0);
            CHECK(v.entropy <= std::log(std::string(denoiser) == "exact" ? 8.0 : 300.0) + 1e-9);
            CHECK(v.cov[0] >= 0);
            CHECK(v.cov[0] * v.cov[2] - v.cov[1] * v.cov[1] >= -1e-12);
            // Monte Carlo means: ||error||^2 has expectation tr Cov / K; 4 sd is a wide margin.
            REQUIRE(v.mcDraws == std::vector<int>{1, 10, 100, 1000});
            const double tr = v.cov[0] + v.cov[2];
            const double err = std::hypot(v.mcMean[6] - v.mean[0], v.mcMean[7] - v.mean[1]);
            CHECK(err < 4 * std::sqrt(tr / 1000) + 1e-6);
            CHECK(!v.hasModel); // the model is its own reference
        }
        const Table t = viewTable(e, "expectation", 2, 0);
        CHECK(t.columns.front() == "k");
        CHECK(t.rows.rows() == 4);
        CHECK(t.rows(3, 0) == 1000);
    }
}
