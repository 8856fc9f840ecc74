// The perspective views built from a scene (core/scene/views/): denoising-error, with its curve
// and table against the closed forms they stand on.
#include "core/backend/cpu_backend.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_registry.hpp"
#include "core/scene/views/denoising_error_data.hpp"
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
