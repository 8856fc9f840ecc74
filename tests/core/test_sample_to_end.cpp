// Tests of the one way to run a sampler to the end (core/samplers/sample_to_end.hpp) and of the
// one place a run's configuration is made (makeRunConfig): on the CPU, sampleToEnd gives exactly
// what stepping a SamplerRun gives (particles, NFE and the frames it hands back), for every
// sampler; the configuration follows each sampler's default grid unless one is named.
#include "core/backend/cpu_backend.hpp"
#include "core/datasets/gmm_datasets.hpp"
#include "core/denoisers/gmm_denoiser.hpp"
#include "core/errors.hpp"
#include "core/samplers/sample_to_end.hpp"
#include "core/samplers/step_program.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace dfs;

TEST_CASE("makeRunConfig: the sampler's default grid unless one is named", "[sampling]") {
    const auto s = makeSchedule("vp-linear");
    for (const SamplerInfo& info : samplerRegistry()) {
        INFO(info.name);
        const SamplerRunConfig c = makeRunConfig(*s, info.name, 9);
        CHECK(c.sampler == &info);
        CHECK(c.spacing == info.defaultGrid);
        CHECK(c.grid == makeTimeGrid(*s, info.defaultGrid, 9));
    }
    SamplerOptions o;
    o.eta = 0.5;
    const SamplerRunConfig c = makeRunConfig(*s, "ddim", 12, "karras", 5.0, o, 77);
    CHECK(c.spacing == GridSpacing::Karras);
    CHECK(c.grid == makeTimeGrid(*s, GridSpacing::Karras, 12, 5.0));
    CHECK(c.options.eta == 0.5);
    CHECK(c.seed == 77);
    CHECK_THROWS_AS(makeRunConfig(*s, "nope", 9), UsageError);
    CHECK_THROWS_AS(makeRunConfig(*s, "ddim", 9, "cubic"), UsageError);
    o.eta = -1;
    CHECK_THROWS_AS(makeRunConfig(*s, "ddim", 9, "", 7.0, o), UsageError);
}

TEST_CASE("sampleToEnd on the CPU equals stepping a SamplerRun, frames and NFE included",
          "[sampling]") {
    const GmmDenoiser model(*makeGmm8(1, kGmm8DefaultStd, 0).gmm);
    const auto s = makeSchedule("cosine");
    CpuBackend backend(1);
    for (const SamplerInfo& info : samplerRegistry()) {
        INFO(info.name);
        SamplerOptions o;
        o.langevinSteps = 2;
        const SamplerRunConfig c = makeRunConfig(*s, info.name, 10, "", 7.0, o, 3);
        const Matrix x0 = SamplerRun::priorSample(*s, c.grid.front(), 40, 2, 5);
        SamplerRun run(*s, model, backend, c, x0);
        std::map<int, Matrix> expected{{0, x0}};
        while (!run.done()) expected[run.step().i] = run.current().x;

        std::map<int, Matrix> got;
        std::map<int, double> times;
        const SampleResult r = sampleToEnd(
            *s, model, backend, c, x0,
            [&](int step, double t, const Matrix& x) {
                CHECK(got.count(step) == 0);
                got[step] = x;
                times[step] = t;
            },
            4);
        CHECK_FALSE(r.onDevice);
        CHECK(r.nfe == run.current().nfe);
        CHECK(r.x == run.current().x);
        // The start, every 4th step and the last: 0, 4, 8, 10.
        REQUIRE(got.size() == 4);
        for (int step : {0, 4, 8, 10}) {
            INFO("step " << step);
            REQUIRE(got.count(step) == 1);
            CHECK(got[step] == expected[step]);
            CHECK(times[step] == c.grid[std::size_t(step)]);
        }
        // The NFE agrees with the traced programs where the sampler is traced.
        long traced = 0;
        for (const StepProgram& p : tracePrograms(*s, c)) traced += p.denoiserCalls();
        if (info.linear) CHECK(traced == r.nfe);
    }
}

TEST_CASE("sampleToEnd refuses a bad frame interval and a bad config", "[sampling]") {
    const GmmDenoiser model(*makeGmm8(1, kGmm8DefaultStd, 0).gmm);
    const auto s = makeSchedule("cosine");
    CpuBackend backend(1);
    const SamplerRunConfig c = makeRunConfig(*s, "heun", 5);
    const Matrix x0 = Matrix::Zero(3, 2);
    CHECK_THROWS_AS(sampleToEnd(*s, model, backend, c, x0, {}, 0), UsageError);
    SamplerRunConfig bad = c;
    bad.grid.back() = 0.1;
    CHECK_THROWS_AS(sampleToEnd(*s, model, backend, bad, x0), UsageError);
    CHECK_THROWS_AS(sampleToEnd(*s, model, backend, c, Matrix::Zero(3, 5)), UsageError);
}
