// The spectrum view: radially averaged power spectra of the data, of x_t / alpha and of the noise
// at time t, with the frequency where the noise takes over (Dieleman 2024, "spectral
// autoregression"), and per-DCT-coefficient SNR for 8x8 images. Built from the engine's public
// state only: the shape every view added later takes (a builder and its registry entry here,
// one line in view_registry.cpp, a renderer in app/render).
#include "core/datasets/image_datasets.hpp"
#include "core/metrics/dct_snr.hpp"
#include "core/metrics/rapsd.hpp"
#include "core/rng/noise.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/scene_tables.hpp"
#include "core/scene/view_registry.hpp"
#include "core/schedules/schedule.hpp"

#include <algorithm>
#include <cmath>

namespace dfs::views {

namespace {

constexpr Index kSpectrumImages = 512; ///< data images averaged into the spectra
/// Philox step of the noise: the film strip's (scene_image_views.cpp), on stream 1.
constexpr std::uint32_t kStripNoiseStep = 0xFFFFFFF1u;

SpectrumView buildSpectrum(const SceneEngine& engine, double t) {
    const PointSet& d = engine.data();
    const Schedule& schedule = engine.schedule();
    const int side = imageSide(d.dim());
    const NoiseLevel l = schedule.at(t);
    SpectrumView v;
    v.time = engine.timeInfo(t);
    v.side = side;
    const Index n = std::min<Index>(kSpectrumImages, d.size());
    const Matrix x0 = d.points.topRows(n);
    const Rapsd data = rapsd(x0, side);
    v.frequency = data.frequency;
    v.data = data.power;
    // x_t / alpha = x0 + sigma~ eps, so its spectrum is R[x0] + sigma~^2 in expectation.
    if (l.alpha > 0) {
        const Matrix eps =
            gaussianNoise(engine.scene().data.seed, 0, n, d.dim(), kStripNoiseStep, 1);
        const Rapsd xt = rapsd(x0 + (l.sigma / l.alpha) * eps, side);
        v.xt = xt.power;
        v.noise = (l.sigma / l.alpha) * (l.sigma / l.alpha);
        if (const auto f = noiseTakeoverFrequency(data, l.alpha, l.sigma)) v.takeover = *f;
    } else {
        v.noise = INFINITY;
        v.takeover = data.frequency.front();
    }
    if (side == 8) {
        // Per-coefficient SNR and reveal time in the DCT basis (Dieleman 2024).
        const Vector var = coefficientVariance(dctCoefficients(x0, side));
        const Vector snr = coefficientSnr(var, schedule, t);
        const Vector reveal = revealTimes(var, schedule);
        for (Index k = 0; k < var.size(); ++k) {
            v.dctLogSnr.push_back(std::log10(std::clamp(snr[k], 1e-12, 1e12)));
            v.dctReveal.push_back(reveal[k]);
        }
    }
    return v;
}

} // namespace

ViewInfo spectrum() {
    return {"spectrum",
            "power spectra of the data, x_t and the noise at t",
            ViewData::Images,
            ViewClock::SweepsT,
            [](const SceneEngine& e, ViewAt at) {
                return ViewSnapshot("spectrum", buildSpectrum(e, at.t));
            },
            [](const SceneEngine& e, ViewAt at) { return spectrumTable(e, at.t); },
            "frequency,data,x_t_over_alpha,noise"};
}

} // namespace dfs::views
