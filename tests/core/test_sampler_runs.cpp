// Tests of the sampling loop (core/samplers/sampler_run.hpp) for every sampler: finite output on
// every schedule and grid, consistent frame records (i, t, sigma, NFE counts of the papers'
// algorithms), seeding, and the errors it reports. Single steps of DDPM and DDIM are checked
// against the formulas of Ho et al. 2020 and Song et al. 2021a written out in abar form.
#include "core/backend/cpu_backend.hpp"
#include "core/datasets/gmm_datasets.hpp"
#include "core/denoisers/gmm_denoiser.hpp"
#include "core/errors.hpp"
#include "core/samplers/sampler_steps.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

using namespace dfs;
using dfs::test::runSampler;

namespace {

const GmmDenoiser& gmm8Model() {
    static const GmmDenoiser d(*makeGmm8(1, kGmm8DefaultStd, 0).gmm);
    return d;
}

/// NFE after the whole run, from each sampler's algorithm (with default options):
/// one evaluation per step for first-order and multistep methods; Heun and EDM's Alg. 2 use
/// 2 per step but only 1 on the final step to sigma = 0 (Karras et al. 2022, Alg. 1-2:
/// NFE = 2N - 1); PC uses one corrector and one predictor evaluation per step (score_sde:
/// N (n_steps + 1)); annealed Langevin K per level plus the final denoising jump.
long expectedNfe(const std::string& sampler, int n, const SamplerOptions& o) {
    if (sampler == "heun" || sampler == "edm-sde") return 2L * n - 1;
    if (sampler == "pc") return long(n) * (o.correctorSteps + 1);
    if (sampler == "langevin") return long(n) * o.langevinSteps + 1;
    return n;
}

} // namespace

TEST_CASE("sampler runs: the registry names nine samplers and rejects others", "[samplers]") {
    const std::vector<std::string> names = {"ddpm",    "ddim",     "euler", "heun",    "em",
                                            "edm-sde", "dpmpp-2m", "pc",    "langevin"};
    REQUIRE(samplerRegistry().size() == names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        CHECK(samplerRegistry()[i].name == names[i]);
        CHECK(&findSampler(names[i]) == &samplerRegistry()[i]);
        CHECK_FALSE(samplerRegistry()[i].description.empty());
    }
    CHECK_FALSE(findSampler("heun").stochastic);
    CHECK(findSampler("em").stochastic);
    CHECK_THROWS_AS(findSampler("rk4"), UsageError);
}

TEST_CASE("sampler runs: every sampler on every schedule ends finite at t = 0",
          "[samplers][runs]") {
    // The uniform grid starts at t = 1, where cosine's alpha is ~6e-17 and rf's is 0: every
    // quantity a step derives from the noise level there must stay finite.
    CpuBackend backend(2);
    const SamplerOptions opts;
    for (const SamplerInfo& info : samplerRegistry()) {
        for (const auto& [name, _] : listSchedules()) {
            const auto s = makeSchedule(name);
            for (GridSpacing g : {GridSpacing::UniformT, info.defaultGrid}) {
                const int n = 6;
                INFO(info.name << " on " << name << ", " << gridSpacingName(g) << " grid");
                const auto grid = makeTimeGrid(*s, g, n);
                const Matrix x0 = SamplerRun::priorSample(*s, grid.front(), 40, 2, 5);
                test::RunOutput out;
                REQUIRE_NOTHROW(out = runSampler(info.name, *s, gmm8Model(), backend, grid, x0, 5));
                REQUIRE(out.frames.size() == std::size_t(n) + 1);
                CHECK(out.x.allFinite());
                CHECK(out.x.rows() == 40);
                const Frame& last = out.frames.back();
                CHECK(last.i == n);
                CHECK(last.t == 0.0);
                CHECK(last.sigma == 0.0);
                CHECK(last.x0Hat == last.x);
                CHECK(last.epsHat.isZero(0.0));
                for (std::size_t i = 0; i < out.frames.size(); ++i) {
                    const Frame& f = out.frames[i];
                    INFO("frame " << i);
                    CHECK(f.i == int(i));
                    CHECK(f.t == grid[i]);
                    CHECK(f.sigma == s->sigma(grid[i]));
                    CHECK(f.x.allFinite());
                    CHECK(f.x0Hat.allFinite());
                    CHECK(f.epsHat.allFinite());
                    if (i > 0) CHECK(f.nfe > out.frames[i - 1].nfe);
                    if (f.t == 0.0) continue;
                    // The record's predictions: x0Hat = D(x, t), epsHat = (x - alpha x0Hat)/sigma.
                    const NoiseLevel l = s->at(f.t);
                    Matrix den;
                    backend.denoise(gmm8Model(), f.x, l, den);
                    CHECK(f.x0Hat == den);
                    CHECK(test::maxAbsDiff(f.epsHat, (f.x - l.alpha * den) / l.sigma) <
                          1e-12 * (1 + f.x.cwiseAbs().maxCoeff()) / l.sigma);
                }
                CHECK(out.frames.front().nfe == 0);
                CHECK(out.frames.front().x == x0);
                CHECK(last.nfe == expectedNfe(info.name, n, opts));
            }
        }
    }
}

TEST_CASE("sampler runs: NFE per step follows Karras et al. Alg. 1 for heun", "[samplers]") {
    CpuBackend backend(1);
    const auto s = makeSchedule("edm");
    const auto grid = makeTimeGrid(*s, GridSpacing::Karras, 7);
    const Matrix x0 = SamplerRun::priorSample(*s, grid.front(), 8, 2, 1);
    const auto heun = runSampler("heun", *s, gmm8Model(), backend, grid, x0, 1);
    for (int i = 1; i <= 7; ++i) CHECK(heun.frames[i].nfe == (i < 7 ? 2 * i : 2 * 7 - 1));
    SamplerOptions o;
    o.correctorSteps = 2;
    o.langevinSteps = 3;
    const auto pc = runSampler("pc", *s, gmm8Model(), backend, grid, x0, 1, o);
    CHECK(pc.frames.back().nfe == expectedNfe("pc", 7, o));
    const auto lang = runSampler("langevin", *s, gmm8Model(), backend, grid, x0, 1, o);
    CHECK(lang.frames.back().nfe == expectedNfe("langevin", 7, o));
}

TEST_CASE("sampler runs: same seed repeats, a different seed changes the samples",
          "[samplers][seed]") {
    CpuBackend backend(2);
    const auto s = makeSchedule("vp-linear");
    for (const SamplerInfo& info : samplerRegistry()) {
        INFO(info.name);
        const auto grid = makeTimeGrid(*s, info.defaultGrid, 8);
        const auto run = [&](std::uint64_t priorSeed, std::uint64_t runSeed) {
            const Matrix x0 = SamplerRun::priorSample(*s, grid.front(), 30, 2, priorSeed);
            return runSampler(info.name, *s, gmm8Model(), backend, grid, x0, runSeed).x;
        };
        const Matrix a = run(1, 1);
        CHECK(a == run(1, 1));
        CHECK(test::maxAbsDiff(a, run(2, 2)) > 1e-2);
        // With the start fixed, the run seed only matters to samplers that draw noise.
        const Matrix sameStart = run(1, 2);
        if (info.stochastic)
            CHECK(test::maxAbsDiff(a, sameStart) > 1e-3);
        else
            CHECK(a == sameStart);
    }
}

TEST_CASE("sampler runs: one DDPM and one DDIM step follow the papers' formulas",
          "[samplers][ddpm]") {
    // For a VP schedule abar = alpha^2. Ho et al. 2020, eq. 7, between grid times t > s with
    // beta = 1 - abar_t/abar_s: mean = sqrt(abar_s) beta/(1 - abar_t) x0 +
    // sqrt(1 - beta)(1 - abar_s)/(1 - abar_t) x_t, variance (1 - abar_s)/(1 - abar_t) beta.
    // DDIM (Song et al. 2021a, eq. 12, 16): x_s = sqrt(abar_s) x0 + sqrt(1 - abar_s - c^2) eps
    // + c z, c = eta sqrt((1 - abar_s)/(1 - abar_t)) sqrt(1 - abar_t/abar_s).
    const auto sched = makeSchedule("vp-linear");
    const SamplerOptions opts;
    StepContext ctx{*sched, opts, 3, 10, sched->at(0.6), sched->at(0.5), {}, {}, {}};
    const Matrix x = test::normals(71, 5, 2), x0 = test::normals(72, 5, 2);
    const Matrix z = test::normals(73, 5, 2);
    ctx.startPrediction = [&]() -> const Matrix& { return x0; };
    ctx.denoise = [&](const Matrix&, const NoiseLevel&) -> Matrix {
        FAIL("extra NFE");
        return {};
    };
    ctx.noise = [&](std::uint32_t) { return z; };
    const double abT = std::pow(ctx.cur.alpha, 2), abS = std::pow(ctx.next.alpha, 2);
    const double beta = 1 - abT / abS;
    const Matrix mean = (std::sqrt(abS) * beta / (1 - abT)) * x0 +
                        (std::sqrt(1 - beta) * (1 - abS) / (1 - abT)) * x;
    const double var = (1 - abS) / (1 - abT) * beta;
    SamplerState st;
    st.x = x;
    ddpmStep(ctx, st);
    CHECK(test::maxAbsDiff(st.x, mean + std::sqrt(var) * z) < 1e-12);

    const Matrix eps = (x - std::sqrt(abT) * x0) / std::sqrt(1 - abT);
    for (double eta : {0.0, 0.5, 1.0}) {
        INFO("eta " << eta);
        SamplerOptions o;
        o.eta = eta;
        // StepContext holds its options by reference: one context per eta.
        const StepContext withEta{
            *sched, o, 3, 10, ctx.cur, ctx.next, ctx.denoise, ctx.startPrediction, ctx.noise};
        const double c = eta * std::sqrt((1 - abS) / (1 - abT)) * std::sqrt(1 - abT / abS);
        st.x = x;
        ddimStep(withEta, st);
        const Matrix expect = std::sqrt(abS) * x0 + std::sqrt(1 - abS - c * c) * eps + c * z;
        CHECK(test::maxAbsDiff(st.x, expect) < 1e-12);
        if (eta == 1.0) CHECK(c * c == Approx(var).epsilon(1e-12)); // eta = 1: DDPM's variance
    }
}

TEST_CASE("sampler runs: bad runs are refused", "[samplers]") {
    CpuBackend backend(1);
    const auto s = makeSchedule("vp-linear");
    const GmmDenoiser& d = gmm8Model();
    const Matrix x0 = SamplerRun::priorSample(*s, 1.0, 4, 2, 0);
    SamplerRunConfig cfg;
    cfg.sampler = &findSampler("euler");
    const auto make = [&](std::vector<double> grid, Matrix x, SamplerOptions o = {}) {
        SamplerRunConfig c = cfg;
        c.grid = std::move(grid);
        c.options = o;
        SamplerRun run(*s, d, backend, c, std::move(x));
    };
    CHECK_NOTHROW(make({1.0, 0.5, 0.0}, x0));
    CHECK_THROWS_AS(make({1.0, 0.5, 0.1}, x0), UsageError);            // does not end at 0
    CHECK_THROWS_AS(make({1.0, 0.5, 0.5, 0.0}, x0), UsageError);       // not strictly decreasing
    CHECK_THROWS_AS(make({1.5, 0.5, 0.0}, x0), UsageError);            // starts beyond t = 1
    CHECK_THROWS_AS(make({0.0}, x0), UsageError);                      // no step
    CHECK_THROWS_AS(make({1.0, 0.0}, Matrix::Zero(4, 3)), UsageError); // wrong dimension
    SamplerOptions bad;
    bad.eta = 1.5;
    CHECK_THROWS_AS(make({1.0, 0.0}, x0, bad), UsageError);
    SamplerRunConfig none;
    none.grid = {1.0, 0.0};
    CHECK_THROWS_AS(SamplerRun(*s, d, backend, none, x0), UsageError);

    cfg.grid = {1.0, 0.0};
    SamplerRun run(*s, d, backend, cfg, x0);
    run.step();
    CHECK(run.done());
    CHECK_THROWS_AS(run.step(), std::logic_error);
}
