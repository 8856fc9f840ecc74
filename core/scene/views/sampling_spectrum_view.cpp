// The sampling-spectrum view (images, follows the run): the spectra of the canvas and of x0_hat
// at the shown frame beside the data's, with the frequency the noise floor has uncovered. Run
// backwards the floor sinks through the data's power law, so x0_hat gains power from low to high
// frequencies: the sampler decides coarse structure first (Dieleman 2024, "Diffusion is spectral
// autoregression"; Rissanen et al. 2023; math reference 1.7).
#include "core/datasets/image_datasets.hpp"
#include "core/metrics/rapsd.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_registry.hpp"
#include "core/scene/views/sampling_spectrum_data.hpp"
#include "core/schedules/schedule.hpp"

#include <algorithm>

namespace dfs::views {

namespace {

constexpr Index kDataImages = 512; ///< data images averaged into the data's spectrum

SamplingSpectrumView buildSamplingSpectrum(const SceneEngine& e, int frame) {
    const PointSet& d = e.data();
    const int side = imageSide(d.dim());
    const auto f = e.frame(frame);
    const NoiseLevel l = e.schedule().at(f->t);
    SamplingSpectrumView v;
    v.time = e.timeInfo(f->t);
    v.frame = frame;
    v.frames = e.totalFrames();
    v.particles = long(f->x.rows());
    const Rapsd data = rapsd(d.points.topRows(std::min<Index>(kDataImages, d.size())), side);
    v.frequency = data.frequency;
    v.data = data.power;
    v.x0Hat = rapsd(f->x0Hat, side).power;
    if (l.alpha > 0) {
        v.canvas = rapsd(f->x / l.alpha, side).power;
        v.noise = (l.sigma / l.alpha) * (l.sigma / l.alpha);
    }
    // Decided: the frequencies where the data's power still beats the floor, alpha^2 R(f) >=
    // sigma^2 (math ref. 1.7, f_max at SNR threshold 1); -1 while the floor covers them all.
    for (std::size_t k = 0; k < v.data.size(); ++k)
        if (l.alpha * l.alpha * v.data[k] >= l.sigma * l.sigma) v.decided = v.frequency[k];
    for (std::size_t k = 0; k < v.data.size(); ++k)
        v.ratio.push_back(v.data[k] > 0 ? v.x0Hat[k] / v.data[k] : 0.0);
    return v;
}

Table samplingSpectrumTable(const SceneEngine& e, int frame) {
    const SamplingSpectrumView v = buildSamplingSpectrum(e, frame);
    Table t{{"frequency", "data", "canvas_over_alpha", "x0_hat", "x0_hat_over_data", "noise"},
            Matrix(Index(v.frequency.size()), 6)};
    for (std::size_t k = 0; k < v.frequency.size(); ++k)
        t.rows.row(Index(k)) << v.frequency[k], v.data[k], v.canvas.empty() ? 0.0 : v.canvas[k],
            v.x0Hat[k], v.ratio[k], v.noise;
    return t;
}

} // namespace

ViewInfo samplingSpectrum() {
    return {"sampling-spectrum",
            "spectra of the canvas and of x0_hat during sampling: low frequencies settle first",
            ViewData::Images,
            ViewClock::FollowsRun,
            [](const SceneEngine& e, ViewAt at) {
                return ViewSnapshot("sampling-spectrum", buildSamplingSpectrum(e, at.frame));
            },
            [](const SceneEngine& e, ViewAt at) { return samplingSpectrumTable(e, at.frame); },
            "frequency,data,canvas_over_alpha,x0_hat,x0_hat_over_data,noise"};
}

} // namespace dfs::views
