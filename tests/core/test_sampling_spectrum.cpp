// The sampling-spectrum view on a run of the ideal denoiser over 8x8 shapes: the canvas at t = 1
// is white noise at the floor, x0_hat's low frequencies reach the data's power before its high
// ones, the decided band grows along the run to every frequency at t = 0, and the table holds
// the view's numbers.
#include "core/backend/cpu_backend.hpp"
#include "core/datasets/image_datasets.hpp"
#include "core/metrics/rapsd.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_registry.hpp"
#include "core/scene/views/sampling_spectrum_data.hpp"

#include <catch2/catch.hpp>

using namespace dfs;

TEST_CASE("sampling spectrum: noise at the start, low frequencies first, all decided at the end") {
    Scene s;
    s.data.dataset = "shapes";
    s.data.resolution = 16;
    s.data.n = 400;
    s.model.denoiser = "ideal";
    s.model.schedule = "cosine";
    s.sampler.sampler = "heun";
    s.sampler.steps = 12;
    s.sampler.particles = 64;
    CpuBackend backend(1);
    SceneEngine e(s, backend);
    e.runToEnd();
    const int last = e.totalFrames() - 1;
    auto view = [&](int frame) {
        return makeSnapshot(e, "sampling-spectrum", frame, 0).as<SamplingSpectrumView>();
    };
    const SamplingSpectrumView start = view(0);
    REQUIRE(start.frequency.size() == 8);
    CHECK(start.data == rapsd(e.data().points, 16).power);
    // At t = 1 the canvas / alpha is white noise of power (sigma / alpha)^2 at every frequency
    // (orthonormal DFT), within the sampling error of 64 images.
    for (double c : start.canvas) CHECK(c == Approx(start.noise).epsilon(0.25));
    CHECK(start.decided == -1);
    // Mid-run x0_hat has reached more of the data's power at the lowest frequency than at the
    // highest: coarse structure first.
    const SamplingSpectrumView mid = view(last / 2);
    CHECK(mid.ratio.front() > 2 * mid.ratio.back());
    // The decided band only grows, and at t = 0 it is every frequency.
    double before = -1;
    for (int f = 0; f <= last; ++f) {
        const double d = view(f).decided;
        CHECK(d >= before);
        before = d;
    }
    CHECK(view(last).decided == start.frequency.back());
    // The table: the same numbers.
    const Table t = viewTable(e, "sampling-spectrum", last / 2, 0);
    REQUIRE(t.rows.rows() == 8);
    CHECK(t.rows(0, 3) == mid.x0Hat[0]);
    CHECK(t.rows(7, 4) == mid.ratio[7]);
}
