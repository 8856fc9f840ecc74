// The latent-variable perspective's views built from a scene (core/scene/views/elbo_view.cpp and
// reverse_kernel_view.cpp): the bound of the scene's chain with T = its steps, and the exact
// reverse kernel against the model's Gaussian.
#include "core/backend/cpu_backend.hpp"
#include "core/datasets/point_set.hpp"
#include "core/io/table_io.hpp"
#include "core/metrics/chain_elbo.hpp"
#include "core/model/checkpoint.hpp"
#include "core/model/model.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_registry.hpp"
#include "core/scene/views/elbo_data.hpp"
#include "core/scene/views/reverse_kernel_data.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

using namespace dfs;

namespace {

Scene latentScene(int steps) {
    Scene s;
    s.data.n = 2000;
    s.model.denoiser = "exact";
    s.sampler.sampler = "ddpm";
    s.sampler.steps = steps;
    s.sampler.particles = 50;
    return s;
}

} // namespace

TEST_CASE("elbo view: the bound of the scene's chain with T = its steps", "[views][elbo]") {
    CpuBackend backend(2);
    const ViewInfo& info = findView("elbo");
    CHECK(info.appliesTo == ViewData::Both);
    CHECK(!info.followsRun());
    SceneEngine e10(latentScene(10), backend);
    const auto v = makeSnapshot(e10, "elbo", 0, 0.3).as<ElboView>();
    CHECK(v.model == "exact");
    CHECK(v.steps == 10);
    REQUIRE(v.kl.size() == 10);
    CHECK(v.time.logSnr == Approx(e10.schedule().logSnr(0.3)));
    double sum = v.prior + v.reconstruction;
    for (std::size_t k = 0; k < v.kl.size(); ++k) {
        sum += v.kl[k];
        CHECK(v.logSnrS[k] > v.logSnrT[k]);
        if (k) CHECK(v.logSnrS[k] == Approx(v.logSnrT[k - 1]));
    }
    CHECK(v.total == Approx(sum).epsilon(1e-12));
    CHECK(v.bitsPerDim == Approx(v.total / (2 * std::log(2.0))));
    REQUIRE(v.hasExact);
    CHECK(v.total - v.exactNll > 3 * v.gapSe);
    // The same numbers as the metric on the engine's data (the backend's batches change nothing).
    ChainElboOptions o;
    o.steps = 10;
    o.samples = v.samples;
    o.seed = e10.scene().data.seed;
    const ChainElbo direct =
        chainElbo(e10.denoiser(), e10.schedule(), e10.data().points, o, &*e10.data().gmm);
    CHECK(v.total == Approx(direct.total).epsilon(1e-12));
    CHECK(v.exactNll == Approx(direct.exactNll).epsilon(1e-12));
    // Four times the steps on a nested grid: a tighter bound.
    SceneEngine e40(latentScene(40), backend);
    const auto w = makeSnapshot(e40, "elbo", 0, 0.3).as<ElboView>();
    REQUIRE(w.kl.size() == 40);
    CHECK(v.total - w.total > 3 * std::hypot(v.totalSe, w.totalSe));
    CHECK(w.total > w.exactNll);
    // The table: reconstruction, the steps, the prior; the cumulative column ends at -ELBO.
    const Table t = viewTable(e10, "elbo", 0, 0.3);
    REQUIRE(t.rows.rows() == 12);
    REQUIRE(t.columns.size() == 6);
    CHECK(t.columns[3] == "nats");
    CHECK(t.rows(0, 5) == Approx(v.total).epsilon(1e-12));
    CHECK(t.rows(11, 3) == Approx(v.prior));
}

TEST_CASE("elbo view on images: bits/dim of the 8-bit pixels with the discretised decoder",
          "[views][elbo][images]") {
    CpuBackend backend(2);
    Scene s;
    s.data.dataset = "shapes";
    s.data.resolution = 8;
    s.data.n = 200;
    s.model.denoiser = "ideal";
    s.sampler.sampler = "ddim";
    s.sampler.steps = 10;
    s.sampler.particles = 4;
    s.view.panes = {"filmstrip", "samples", "elbo", "posterior"};
    SceneEngine e(s, backend);
    REQUIRE(e.isImage());
    const auto v = makeSnapshot(e, "elbo", 0, 0.3).as<ElboView>();
    CHECK(v.dim == 64);
    CHECK(v.discreteLevels == 256);
    CHECK(v.steps == 10);
    CHECK(v.samples >= 16);
    CHECK(!v.hasExact);
    // A bound on a discrete probability: every term >= 0; bits/dim = nats / (64 ln 2).
    CHECK(v.reconstruction >= 0);
    CHECK(v.total >= v.reconstruction);
    CHECK(v.bitsPerDim == Approx(v.total / (64 * std::log(2.0))));
    CHECK(v.bitsPerDim < 8.5); // no worse than about uniform pixels (8 bits) plus the prior
    const Table t = viewTable(e, "elbo", 0, 0.3);
    CHECK(t.rows.rows() == 12);
    CHECK(t.rows(0, 5) == Approx(v.total));
}

TEST_CASE("elbo view: a learned model's bound beside its exact reference's", "[views][elbo]") {
    // An untrained MLP: its bound lies far above the exact denoiser's, which the view computes on
    // the same points and noise.
    const auto path =
        (std::filesystem::temp_directory_path() / "dfs_latent_views_model.dsm").string();
    ModelSpec spec;
    spec.mean = {0.0, 0.0};
    saveCheckpoint(path, Model(spec), {"gmm8", 1, 0, 0.0});
    CpuBackend backend(2);
    Scene s = latentScene(20);
    s.model.denoiser = path;
    SceneEngine e(s, backend);
    REQUIRE(e.reference());
    const auto v = makeSnapshot(e, "elbo", 0, 0.3).as<ElboView>();
    CHECK(v.reference == "exact");
    REQUIRE(v.referenceKl.size() == 20);
    ChainElboOptions o;
    o.steps = 20;
    o.samples = v.samples;
    o.seed = e.scene().data.seed;
    const ChainElbo exact = chainElbo(*e.reference(), e.schedule(), e.data().points, o);
    CHECK(v.referenceTotal == Approx(exact.total).epsilon(1e-12));
    CHECK(v.referenceKl[3] == Approx(exact.terms[3].kl).epsilon(1e-12));
    CHECK(v.total - v.referenceTotal > 3 * std::hypot(v.totalSe, exact.totalSe));
    std::filesystem::remove(path);
}

TEST_CASE("reverse-kernel view: the exact step against the model's Gaussian, nearly Gaussian "
          "for small steps",
          "[views][reverse-kernel]") {
    CpuBackend backend(2);
    const ViewInfo& info = findView("reverse-kernel");
    CHECK(info.appliesTo == ViewData::Points);
    CHECK(info.followsRun());
    // t = 0.2 -> 0.1 with T = 10 and t = 0.2 -> 0.19 with T = 100 (ddpm's grid is uniform in t),
    // for the first eight particles.
    double kl[2] = {0, 0};
    int run = 0;
    for (int steps : {10, 100}) {
        SceneEngine e(latentScene(steps), backend);
        e.runToEnd();
        const int frame = steps * 8 / 10;
        for (long particle = 0; particle < 8; ++particle) {
            SceneView view = e.scene().view;
            view.highlight = particle;
            e.setView(view);
            const auto v = makeSnapshot(e, "reverse-kernel", frame, 0).as<ReverseKernelView>();
            INFO("T " << steps << " particle " << particle);
            CHECK(v.time.t == Approx(0.2));
            CHECK(v.s == Approx(0.2 - 1.0 / steps));
            CHECK(v.particle == particle);
            CHECK(v.exactSource == "the mixture");
            // The exact denoiser: the model's mean is the exact kernel's (the tower property), and
            // the exact covariance is var I plus a positive part.
            CHECK(std::hypot(v.modelMean[0] - v.exactMean[0], v.modelMean[1] - v.exactMean[1]) <
                  1e-9);
            CHECK(v.exactCov[0] >= v.modelStd * v.modelStd * (1 - 1e-9));
            CHECK(v.exactCov[2] >= v.modelStd * v.modelStd * (1 - 1e-9));
            CHECK(v.kl >= 0);
            REQUIRE(v.density.values.size() == std::size_t(v.density.nx * v.density.ny));
            kl[run] += v.kl / 8;
        }
        ++run;
    }
    // Measured: mean KL 1.38 nats at T = 10, 0.0028 at T = 100.
    INFO("mean KL T=10 " << kl[0] << " T=100 " << kl[1]);
    CHECK(kl[0] > 0.3);
    CHECK(kl[1] < 0.01);
    CHECK(kl[0] > 100 * kl[1]);
}

TEST_CASE("reverse-kernel view: the last frame shows the step into it; other data use their "
          "points",
          "[views][reverse-kernel]") {
    CpuBackend backend(1);
    Scene s = latentScene(5);
    s.data.dataset = "moons";
    s.data.n = 300;
    s.model.denoiser = "ideal";
    SceneEngine e(s, backend);
    e.runToEnd();
    const auto v = makeSnapshot(e, "reverse-kernel", 5, 0).as<ReverseKernelView>();
    CHECK(v.frame == 4);
    CHECK(v.s > 0);
    CHECK(v.s < v.time.t);
    CHECK(v.exactSource == "the 300 data points");
    CHECK(std::isfinite(v.kl));
    const Table t = viewTable(e, "reverse-kernel", 5, 0);
    REQUIRE(t.rows.rows() == 1);
    CHECK(t.rows(0, 16) == v.kl);
    CHECK(t.rows(0, 1) == v.s);
}
