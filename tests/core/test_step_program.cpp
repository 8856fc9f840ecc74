// Tests of traced sampler steps (core/samplers/step_program.hpp): run on the CPU, the programs
// of every linear sampler give what SamplerRun gives, on every schedule, with stochastic
// options on, for a particle offset, in the slots planSlots() assigns; their shape (denoiser calls,
// noise substreams) is the papers' algorithm; the predictor-corrector is refused.
#include "core/backend/cpu_backend.hpp"
#include "core/datasets/gmm_datasets.hpp"
#include "core/denoisers/gmm_denoiser.hpp"
#include "core/errors.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/samplers/step_program.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace dfs;

namespace {

const GmmDenoiser& gmm8() {
    static const GmmDenoiser d(*makeGmm8(1, kGmm8DefaultStd, 0).gmm);
    return d;
}

SamplerRunConfig configFor(const SamplerInfo& info, const Schedule& s, GridSpacing g, int n) {
    SamplerRunConfig c;
    c.sampler = &info;
    c.grid = makeTimeGrid(s, g, n);
    c.options.eta = 0.7; // DDIM's noise on, so that every stochastic path is exercised
    c.options.langevinSteps = 3;
    c.seed = 11;
    c.firstParticle = 1000;
    return c;
}

} // namespace

TEST_CASE("step programs: every linear sampler's programs give SamplerRun's particles",
          "[samplers][programs]") {
    CpuBackend backend(2);
    for (const SamplerInfo& info : samplerRegistry()) {
        if (!info.linear) continue;
        for (const auto& [name, _] : listSchedules()) {
            const auto s = makeSchedule(name);
            for (GridSpacing g : {GridSpacing::UniformT, info.defaultGrid}) {
                INFO(info.name << " on " << name << ", " << gridSpacingName(g) << " grid");
                const SamplerRunConfig c = configFor(info, *s, g, 7);
                const Matrix x0 = SamplerRun::priorSample(*s, c.grid.front(), 30, 2, 3);
                SamplerRun run(*s, gmm8(), backend, c, x0);
                while (!run.done()) run.step();
                const auto programs = tracePrograms(*s, c);
                REQUIRE(programs.size() == c.grid.size() - 1);
                const Matrix x =
                    runPrograms(programs, gmm8(), backend, c.seed, c.firstParticle, x0);
                const Matrix& expected = run.current().x;
                REQUIRE(x.allFinite());
                // The same arithmetic, but sums taken in another order: rounding only.
                const double err = (x - expected).cwiseAbs().maxCoeff();
                CHECK(err <= 1e-9 * std::max(1.0, expected.cwiseAbs().maxCoeff()));
                long calls = 0;
                for (const StepProgram& p : programs) calls += p.denoiserCalls();
                CHECK(calls == run.current().nfe);
            }
        }
    }
}

TEST_CASE("step programs: the shape of each step is its paper's algorithm",
          "[samplers][programs]") {
    const auto s = makeSchedule("vp-linear");
    const auto substreams = [](const StepProgram& p) {
        std::set<std::uint32_t> out;
        for (const ProgramOp& op : p.ops)
            for (const NoiseTerm& z : op.noise) out.insert(z.substream);
        return out;
    };
    const auto trace = [&](const char* sampler) {
        return tracePrograms(*s, configFor(findSampler(sampler), *s, GridSpacing::UniformT, 5));
    };
    // DDIM (eta > 0) and DDPM: one D, one combine with substream 0; none on the last step.
    for (const char* name : {"ddim", "ddpm", "em"}) {
        INFO(name);
        const auto p = trace(name);
        CHECK(p[0].denoiserCalls() == 1);
        CHECK(substreams(p[0]) == std::set<std::uint32_t>{0});
        CHECK(substreams(p.back()).empty());
        CHECK(p[2].step == 2);
    }
    // Heun (Karras et al. 2022, Alg. 1): two D per step, one on the last.
    const auto heun = trace("heun");
    CHECK(heun[0].denoiserCalls() == 2);
    CHECK(heun.back().denoiserCalls() == 1);
    // Annealed Langevin: K draws of substreams 0..K-1 per level, K = 3 here.
    const auto langevin = trace("langevin");
    CHECK(substreams(langevin[1]) == std::set<std::uint32_t>{0, 1, 2});
    CHECK(langevin[1].denoiserCalls() == 3);
    // DPM-Solver++(2M) keeps D as the next step's previous prediction: D itself, no copy.
    const auto dpm = trace("dpmpp-2m");
    REQUIRE(dpm[1].ops.front().kind == ProgramOp::Kind::Denoise);
    CHECK(dpm[1].prevOut == 2);
    bool readsPrev = false;
    for (const ProgramOp& op : dpm[1].ops)
        for (const ProgramTerm& t : op.terms) readsPrev = readsPrev || t.var == 1;
    CHECK(readsPrev);
    for (const ProgramOp& op : dpm[0].ops) // no previous prediction yet at the first step
        for (const ProgramTerm& t : op.terms) CHECK(t.var != 1);
    // A long Langevin level: each iteration reads the last iterate's variable, its D and its
    // noise (not every earlier D and z again), so the terms and slots stay few.
    SamplerRunConfig lc = configFor(findSampler("langevin"), *s, GridSpacing::UniformT, 5);
    lc.options.langevinSteps = 200;
    const auto longLangevin = tracePrograms(*s, lc);
    for (const ProgramOp& op : longLangevin[1].ops) CHECK(op.terms.size() + op.noise.size() <= 3);
    CHECK(planSlots(longLangevin).slots <= 6);
    // Slots: x, the previous prediction, D and the new x; Heun adds its Euler point and 2nd D.
    CHECK(planSlots(trace("ddim")).slots <= 4);
    CHECK(planSlots(heun).slots <= 6);
}

TEST_CASE("step programs: the predictor-corrector is not traced; bad configs are refused",
          "[samplers][programs]") {
    const auto s = makeSchedule("vp-linear");
    const SamplerRunConfig pc = configFor(findSampler("pc"), *s, GridSpacing::UniformT, 5);
    CHECK(tracePrograms(*s, pc).empty());
    SamplerRunConfig bad = configFor(findSampler("ddim"), *s, GridSpacing::UniformT, 5);
    bad.grid = {1.0, 0.5, 0.7, 0.0};
    CHECK_THROWS_AS(tracePrograms(*s, bad), UsageError);
    bad = configFor(findSampler("ddim"), *s, GridSpacing::UniformT, 5);
    bad.options.eta = 2;
    CHECK_THROWS_WITH(tracePrograms(*s, bad), Catch::Contains("--eta"));
}
