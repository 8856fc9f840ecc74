// The sde-fan view (diffusion-math.md 1.4, the reverse-SDE perspective): from the highlighted
// particle's x_T, a fan of paths of the scene's stochastic sampler with different, fixed noise
// draws (sde_fan.hpp), the noise-free path from the same x_T drawn bold (the probability-flow
// ODE: Song et al. 2021b, eq. 13), and the next step from the fan's mean split into its drift and
// its noise (the reverse SDE dx = [f x - g^2 s] dt + g dw of Anderson 1982 / Song et al. 2021b,
// eq. 6, discretised by the sampler). DDIM's eta (Song et al. 2021a, eq. 16) or EDM's S_churn
// (Karras et al. 2022, Alg. 2) scales the noise: at 0 the fan collapses onto the ODE path.
#include "core/samplers/sampler_run.hpp"
#include "core/samplers/sde_fan.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_grid.hpp"
#include "core/scene/view_registry.hpp"
#include "core/scene/views/sde_fan_data.hpp"

#include <cmath>

namespace dfs::views {

namespace {

constexpr int kFanPaths = 64;

struct Fan {
    FanConfig config;
    long particle = 0;
    Matrix xT;
};

/// The fan of the engine's scene: its sampler (or ddim, eta = 1), grid and seed; path p draws
/// the noise of run particle (highlight + p), so path 0 is the highlighted particle's own path
/// when the scene's sampler is ddim or edm-sde.
Fan fanOf(const SceneEngine& e) {
    const Scene& s = e.scene();
    const Matrix& x = e.frame(0)->x;
    Fan f;
    f.particle = s.view.highlight >= 0 && s.view.highlight < x.rows() ? s.view.highlight : 0;
    f.xT = x.row(f.particle);
    f.config.sampler = fanSampler(s.sampler.sampler, s.sampler.options);
    f.config.grid = e.grid();
    f.config.seed = s.sampler.seed;
    f.config.firstPath = std::uint32_t(f.particle);
    f.config.paths = kFanPaths;
    return f;
}

/// The fan's paths and its noise-free path up to frame `frameIndex`.
struct FanPaths {
    Fan fan;
    std::vector<Matrix> paths, ode; ///< per frame: paths x 2, and 1 x 2
};

FanPaths fanPaths(const SceneEngine& e, int frameIndex) {
    e.frame(frameIndex); // a recorded frame, else UsageError
    FanPaths p;
    p.fan = fanOf(e);
    p.paths =
        fanFrames(e.schedule(), e.denoiser(), e.backend(), p.fan.config, p.fan.xT, frameIndex);
    FanConfig still = p.fan.config;
    still.sampler = withoutNoise(p.fan.config.sampler);
    still.paths = 1;
    p.ode = fanFrames(e.schedule(), e.denoiser(), e.backend(), still, p.fan.xT, frameIndex);
    return p;
}

SdeFanView buildFan(const SceneEngine& e, int frameIndex) {
    const FanPaths p = fanPaths(e, frameIndex);
    const FanConfig& c = p.fan.config;
    const double t = c.grid[std::size_t(frameIndex)];
    SdeFanView v;
    v.time = e.timeInfo(t);
    v.box.extent = extentAt(e.scene().view, e.schedule().at(t));
    v.frame = frameIndex;
    v.steps = int(c.grid.size()) - 1;
    v.sampler = c.sampler.sampler->name;
    v.knob = c.sampler.knob;
    v.sceneSampler = e.scene().sampler.sampler;
    v.particle = p.fan.particle;
    v.paths = c.paths;
    for (const Matrix& m : p.paths) {
        const std::vector<float> xy = thinnedXY(m, m.rows());
        v.fan.insert(v.fan.end(), xy.begin(), xy.end());
    }
    for (const Matrix& m : p.ode) appendXY(v.ode, m(0, 0), m(0, 1));
    const Matrix& now = p.paths.back();
    const Matrix mean = now.colwise().mean();
    v.spread = std::sqrt((now.rowwise() - mean.row(0)).rowwise().squaredNorm().mean());
    if (frameIndex < v.steps) {
        const StepParts s =
            stepParts(e.schedule(), e.denoiser(), e.backend(), c, frameIndex, mean, c.firstPath);
        appendXY(v.mean, mean(0, 0), mean(0, 1));
        appendXY(v.drift, s.drift(0, 0), s.drift(0, 1));
        appendXY(v.noise, s.noise(0, 0), s.noise(0, 1));
    }
    v.data = thinnedXY(e.data().points, 2000);
    return v;
}

/// step,t,path,x,y of the fan up to the frame; path -1 is the noise-free (ODE) path.
Table fanTable(const SceneEngine& e, int frameIndex) {
    const FanPaths p = fanPaths(e, frameIndex);
    const int paths = p.fan.config.paths;
    const Index frames = frameIndex + 1;
    Table table{{"step", "t", "path", "x", "y"}, Matrix(frames * (paths + 1), 5)};
    Index r = 0;
    for (Index k = 0; k < frames; ++k) {
        const double tk = p.fan.config.grid[std::size_t(k)];
        const Matrix& ode = p.ode[std::size_t(k)];
        table.rows.row(r++) << double(k), tk, -1.0, ode(0, 0), ode(0, 1);
        for (int q = 0; q < paths; ++q) {
            const Matrix& m = p.paths[std::size_t(k)];
            table.rows.row(r++) << double(k), tk, double(q), m(q, 0), m(q, 1);
        }
    }
    return table;
}

} // namespace

ViewInfo sdeFan() {
    return {"sde-fan",
            "reverse-SDE paths from one x_T with different noise, the ODE path, and a step's "
            "drift and noise",
            ViewData::Points,
            ViewClock::FollowsRun,
            [](const SceneEngine& e, ViewAt at) {
                return ViewSnapshot("sde-fan", buildFan(e, at.frame));
            },
            [](const SceneEngine& e, ViewAt at) { return fanTable(e, at.frame); },
            "step,t,path,x,y up to the frame; path -1 is the ODE path"};
}

} // namespace dfs::views
