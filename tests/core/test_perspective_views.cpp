// The perspective views built from a scene (core/scene/views/): denoising-error, expectation and
// autoencoder,
// with their curves and tables against the closed forms they stand on.
#include "core/backend/cpu_backend.hpp"
#include "core/denoisers/gmm_denoiser.hpp"
#include "core/denoisers/ideal_denoiser.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_registry.hpp"
#include "core/scene/views/autoencoder_data.hpp"
#include "core/scene/views/denoising_error_data.hpp"
#include "core/scene/views/expectation_data.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <fmt/format.h>

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
                                                "bayes_se", "w_eps", "w_v", "w_velocity",
                                                "w_score"});
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
        // A particle dropped with the mouse at frame 1 is followed instead.
        e.dropParticle(1, 0.4, -0.3);
        const auto dropped = makeSnapshot(e, "expectation", 1, 0).as<ExpectationView>();
        CHECK(dropped.particle == -2);
        CHECK(dropped.x[0] == Approx(0.4));
        CHECK(dropped.x[1] == Approx(-0.3));
        const Table t = viewTable(e, "expectation", 2, 0);
        CHECK(t.columns.front() == "k");
        CHECK(t.rows.rows() == 4);
        CHECK(t.rows(3, 0) == 1000);
    }
}

TEST_CASE("autoencoder view: x_t is the forward process of x0 and D(x_t) the denoiser's output",
          "[views]") {
    CpuBackend backend(1);
    SceneEngine e(pointsScene("exact"), backend);
    const ViewInfo& info = findView("autoencoder");
    CHECK(!info.followsRun());
    const Matrix& data = e.data().points;
    const Vector mean = data.colwise().mean().transpose();
    const double var = (data.rowwise() - mean.transpose()).squaredNorm() / double(data.size());
    for (double t : {0.0, 0.3, 0.7, 1.0}) {
        INFO("t " << t);
        const auto v = makeSnapshot(e, "autoencoder", 0, t).as<AutoencoderView>();
        const NoiseLevel l = e.schedule().at(std::max(t, 1e-3));
        const Index n = Index(v.x0.size() / 2);
        REQUIRE(n >= 300);
        CHECK(v.samples == 2000);
        Matrix x0(n, 2), xt(n, 2), d(n, 2);
        for (Index i = 0; i < n; ++i) {
            x0.row(i) << v.x0[2 * i], v.x0[2 * i + 1];
            xt.row(i) << v.xt[2 * i], v.xt[2 * i + 1];
            d.row(i) << v.denoised[2 * i], v.denoised[2 * i + 1];
        }
        // eps = (x_t - alpha x0) / sigma is standard normal: E eps^2 = 1 (sd of the mean of
        // 2n squares: sqrt(2 / 2n)).
        const double eps2 = (xt - l.alpha * x0).squaredNorm() / (l.sigma * l.sigma) / double(2 * n);
        CHECK(std::abs(eps2 - 1) < 4 * std::sqrt(1.0 / double(n)) + 1e-3);
        Matrix ref(n, 2);
        e.denoiser().denoiseRows(xt.cast<double>(), l, ref, 0, n);
        CHECK(test::maxAbsDiff(d, ref) < 1e-4);  // stored as float
        if (t == 0.0) CHECK(v.mse < 1e-4 * var); // D is the identity on x_t / alpha
        if (t == 1.0) { // D is the data mean; the error the data's variance per dimension
            CHECK((d.rowwise() - mean.transpose()).cwiseAbs().maxCoeff() < 0.05);
            CHECK(v.mse == Approx(var).epsilon(0.05));
        }
    }
    const Table t = viewTable(e, "autoencoder", 0, 0.3);
    CHECK(t.columns == std::vector<std::string>{"x0_x", "x0_y", "xt_x", "xt_y", "d_x", "d_y"});
}

TEST_CASE("autoencoder view on images: rows x0 | x_t | D(x_t) | eps_hat | |D - x0| per level",
          "[views]") {
    CpuBackend backend(1);
    Scene s;
    s.data.dataset = "shapes";
    s.data.resolution = 8;
    s.data.n = 50;
    s.model.denoiser = "ideal";
    s.sampler.steps = 2;
    s.sampler.particles = 3;
    SceneEngine e(s, backend);
    CHECK(findView("autoencoder").fits(true));
    const auto v = makeSnapshot(e, "autoencoder", 0, 0.42).as<AutoencoderView>();
    REQUIRE(v.images);
    const ImageGridView& g = v.grid;
    CHECK(g.side == 8);
    CHECK(g.columns == 5);
    REQUIRE(g.tiles.size() == 25);
    REQUIRE(g.rowLabels.size() == 5);
    CHECK(g.rowLabels[2] == "t 0.42 *"); // the cursor replaces t = 0.5
    const Vector x0 = e.data().points.row(0).transpose();
    for (int r = 0; r < 5; ++r) {
        INFO("row " << r);
        const double t = r == 2 ? 0.42 : 0.1 + 0.2 * r;
        auto pixels = [&](int c) {
            const auto& p = g.tiles[std::size_t(5 * r + c)].pixels;
            Vector out(Index(p.size()));
            for (std::size_t i = 0; i < p.size(); ++i) out[Index(i)] = p[i];
            return out;
        };
        CHECK((pixels(0) - x0).cwiseAbs().maxCoeff() < 1e-6);
        // The error tile is |D - x0| (shifted by -1 into the tiles' [-1, 1]).
        const Vector d = pixels(2);
        const Vector err = pixels(4);
        for (Index i = 0; i < d.size(); ++i)
            CHECK(err[i] == Approx(std::abs(d[i] - x0[i]) - 1).margin(1e-5));
        const std::string& caption = g.tiles[std::size_t(5 * r + 4)].caption;
        CHECK(caption.rfind("MSE ", 0) == 0);
        CHECK(std::stod(caption.substr(4)) ==
              Approx((d - x0).squaredNorm() / 64).epsilon(0.05).margin(1e-6)); // 2 digits
        // The ideal denoiser memorises: at t = 0.1 it returns the image itself.
        if (r == 0) CHECK((d - x0).squaredNorm() / 64 < 1e-4);
        CHECK(g.rowLabels[std::size_t(r)].rfind(fmt::format("t {:.2g}", t), 0) == 0);
    }
    const Table t = viewTable(e, "autoencoder", 0, 0.42);
    CHECK(t.columns == std::vector<std::string>{"t", "sigma", "mse"});
    REQUIRE(t.rows.rows() == 5);
    CHECK(t.rows(2, 0) == 0.42);
    CHECK(t.rows(2, 2) == v.mse);
}
