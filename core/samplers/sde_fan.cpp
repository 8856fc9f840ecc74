// The reverse-SDE fan (sde_fan.hpp): the registered samplers' own steps, run on copies of one
// point, with the noise of each path fixed by Philox.
#include "core/samplers/sde_fan.hpp"

#include "core/backend/backend.hpp"
#include "core/errors.hpp"
#include "core/rng/noise.hpp"
#include "core/samplers/sampler_run.hpp"

#include <fmt/format.h>

namespace dfs {

FanSampler fanSampler(const std::string& sampler, const SamplerOptions& options) {
    FanSampler f;
    f.options = options;
    if (sampler == "ddim") {
        f.sampler = &findSampler("ddim");
        f.knob = fmt::format("eta = {:g}", options.eta);
    } else if (sampler == "edm-sde") {
        f.sampler = &findSampler("edm-sde");
        f.knob = fmt::format("S_churn = {:g}", options.churn);
    } else {
        f.sampler = &findSampler("ddim");
        f.options.eta = 1.0;
        f.knob = "eta = 1";
        f.substitute = true;
    }
    return f;
}

FanSampler withoutNoise(const FanSampler& s) {
    FanSampler f = s;
    f.options.eta = 0.0;
    f.options.churn = 0.0;
    f.knob = f.sampler && f.sampler->name == "edm-sde" ? "S_churn = 0" : "eta = 0";
    return f;
}

namespace {

SamplerRunConfig runConfig(const FanConfig& c) {
    SamplerRunConfig r;
    r.sampler = c.sampler.sampler;
    r.grid = c.grid;
    r.options = c.sampler.options;
    r.seed = c.seed;
    r.firstParticle = c.firstPath;
    return r;
}

} // namespace

std::vector<Matrix> fanFrames(const Schedule& schedule, const Denoiser& model, Backend& backend,
                              const FanConfig& config, const Matrix& xT, int lastFrame) {
    const int steps = int(config.grid.size()) - 1;
    if (config.paths < 1) throw UsageError(fmt::format("a fan needs paths (got {})", config.paths));
    if (lastFrame < 0 || lastFrame > steps)
        throw UsageError(
            fmt::format("frame {} is not on the fan's grid (0 to {})", lastFrame, steps));
    if (xT.rows() != 1) throw UsageError("a fan starts from one point");
    // Every path starts at x_T; row p draws particle firstPath + p's noise.
    SamplerRun run(schedule, model, backend, runConfig(config), xT.replicate(config.paths, 1));
    std::vector<Matrix> frames{run.current().x};
    while (int(frames.size()) <= lastFrame) frames.push_back(run.step().x);
    return frames;
}

StepParts stepParts(const Schedule& schedule, const Denoiser& model, Backend& backend,
                    const FanConfig& config, int step, const Matrix& x, std::uint32_t particle) {
    const SamplerRunConfig rc = runConfig(config);
    validateRunConfig(rc);
    const int steps = int(rc.grid.size()) - 1;
    if (step < 0 || step >= steps)
        throw UsageError(
            fmt::format("step {} is not on the fan's grid (0 to {})", step, steps - 1));
    const NoiseLevel cur = schedule.at(rc.grid[std::size_t(step)]);
    Matrix x0;
    backend.denoise(model, x, cur, x0);
    // The step function as SamplerRun calls it, once with zero noise and once with the draw.
    auto take = [&](bool withNoise) {
        StepContext ctx{schedule, rc.options, step,
                        steps,    cur,        schedule.at(rc.grid[std::size_t(step) + 1]),
                        {},       {},         {}};
        ctx.denoise = [&](const Matrix& y, const NoiseLevel& level) {
            Matrix out;
            backend.denoise(model, y, level, out);
            return out;
        };
        ctx.startPrediction = [&]() -> const Matrix& { return x0; };
        ctx.noise = [&](std::uint32_t substream) -> Matrix {
            if (!withNoise) return Matrix::Zero(x.rows(), x.cols());
            return gaussianNoise(rc.seed, particle, x.rows(), x.cols(), std::uint32_t(step),
                                 substream);
        };
        SamplerState st;
        st.x = x;
        rc.sampler->step(ctx, st);
        return st.x;
    };
    const Matrix still = take(false), moved = take(true);
    return {still - x, moved - still};
}

} // namespace dfs
