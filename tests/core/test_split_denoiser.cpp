// Untied networks (core/denoisers/split_denoiser.hpp, diffusion-math.md Section 1.6): the
// composite is A at and above sigma_split and B below, exactly; a whole DDIM run with the split
// at +inf is B's run and with the split at 0 A's run, bit for bit.
#include "core/backend/cpu_backend.hpp"
#include "core/datasets/dataset_registry.hpp"
#include "core/denoisers/denoiser_factory.hpp"
#include "core/denoisers/denoiser_jacobian.hpp"
#include "core/denoisers/split_denoiser.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/schedules/schedule.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <limits>

using namespace dfs;

namespace {

PointSet gmm8(long n = 300) {
    DatasetOptions o;
    o.n = n;
    return loadDataset("gmm8", o);
}

Matrix runDdim(const Denoiser& model, const Schedule& schedule, int steps) {
    CpuBackend backend(1);
    const SamplerRunConfig c = makeRunConfig(schedule, "ddim", steps, "", 7.0, {}, 11);
    SamplerRun run(schedule, model, backend, c,
                   SamplerRun::priorSample(schedule, c.grid.front(), 64, 2, 11));
    while (!run.done()) run.step();
    return run.current().x;
}

} // namespace

TEST_CASE("split denoiser: A at and above sigma_split, B below, exactly", "[denoisers]") {
    const PointSet data = gmm8();
    const auto schedule = makeSchedule("vp-linear");
    const SplitDenoiser split(makeDenoiser("exact", data), makeDenoiser("ideal", data), 0.5);
    const auto a = makeDenoiser("exact", data), b = makeDenoiser("ideal", data);
    const Matrix x = test::normals(4, 50, 2);
    for (double sigmaTilde : {0.05, 0.3, 0.49, 0.5, 0.51, 2.0, 20.0}) {
        INFO("sigma~ " << sigmaTilde);
        const auto t = schedule->timeOfSigmaTilde(sigmaTilde);
        REQUIRE(t);
        NoiseLevel l = schedule->at(*t);
        l.sigma = sigmaTilde * l.alpha; // the level exactly at its sigma~ (no round trip)
        const Denoiser& want = sigmaTilde >= 0.5 ? *a : *b;
        CHECK(split.usesAbove(l) == (sigmaTilde >= 0.5));
        Matrix got(50, 2), ref(50, 2);
        split.denoiseRows(x, l, got, 0, 50);
        want.denoiseRows(x, l, ref, 0, 50);
        CHECK(got == ref);
        // The cell's Jacobian is the serving network's.
        const Vector x0 = x.row(0).transpose();
        CHECK(*denoiserJacobian(split, x0, l) == *denoiserJacobian(want, x0, l));
    }
    CHECK(split.name() == "exact | ideal below sigma~ 0.5");
    CHECK(test::contains(test::errorOf<UsageError>([&] {
                             SplitDenoiser(makeDenoiser("exact", data), makeDenoiser("exact", data),
                                           -1.0);
                         }),
                         "sigma_split must be >= 0"));
    CHECK(
        test::contains(test::errorOf<UsageError>([&] { makeDenoiser("exact", "nope", 1.0, data); }),
                       "unknown denoiser 'nope'"));
    // No network below: the tied model itself.
    CHECK(makeDenoiser("exact", "", 1.0, data)->name() == "exact");
}

TEST_CASE("split denoiser: DDIM with the split at +inf is B's run, at 0 A's run",
          "[denoisers][samplers]") {
    const PointSet data = gmm8();
    const auto schedule = makeSchedule("vp-linear");
    const double inf = std::numeric_limits<double>::infinity();
    const Matrix runA = runDdim(*makeDenoiser("exact", data), *schedule, 15);
    const Matrix runB = runDdim(*makeDenoiser("ideal", data), *schedule, 15);
    CHECK(test::maxAbsDiff(runA, runB) > 1e-3); // the two networks differ
    CHECK(runDdim(*makeDenoiser("exact", "ideal", inf, data), *schedule, 15) == runB);
    CHECK(runDdim(*makeDenoiser("exact", "ideal", 0.0, data), *schedule, 15) == runA);
    // A split in the middle differs from both.
    const Matrix mid = runDdim(*makeDenoiser("exact", "ideal", 1.0, data), *schedule, 15);
    CHECK(test::maxAbsDiff(mid, runA) > 0);
    CHECK(test::maxAbsDiff(mid, runB) > 0);
}
