// Decoding and encoding along the probability-flow ODE (ode_flow.hpp).
#include "core/samplers/ode_flow.hpp"

#include "core/backend/backend.hpp"
#include "core/denoisers/denoiser.hpp"
#include "core/errors.hpp"
#include "core/samplers/sampler.hpp"
#include "core/samplers/sampler_run.hpp"

#include <fmt/format.h>

namespace dfs {

namespace {

/// Fixed-point iterations of the first encoding step (each contracts by about
/// sigma^2 / (alpha^2 c^2 + sigma^2) on data of scale c, tiny at the grid's smallest level).
constexpr int kInvertIterations = 3;

} // namespace

std::vector<Matrix> odeDecodeFrames(const Schedule& schedule, const Denoiser& model,
                                    Backend& backend, const std::vector<double>& grid,
                                    const Matrix& x, int lastFrame) {
    SamplerRunConfig config;
    config.sampler = &findSampler("heun");
    config.grid = grid;
    validateRunConfig(config);
    const int steps = int(grid.size()) - 1;
    if (lastFrame < 0 || lastFrame > steps)
        throw UsageError(fmt::format("frame {} is not on the grid (0 to {})", lastFrame, steps));
    SamplerRun run(schedule, model, backend, config, x);
    std::vector<Matrix> frames{run.current().x};
    while (int(frames.size()) <= lastFrame) frames.push_back(run.step().x);
    return frames;
}

Matrix odeEncode(const Schedule& schedule, const Denoiser& model, Backend& backend,
                 const std::vector<double>& grid, const Matrix& x0) {
    SamplerRunConfig config;
    config.sampler = &findSampler("heun");
    config.grid = grid;
    validateRunConfig(config);
    if (x0.cols() != model.dim())
        throw UsageError(
            fmt::format("points have {} dimensions, the model {}", x0.cols(), model.dim()));
    const int steps = int(grid.size()) - 1;
    auto denoise = [&](const Matrix& y, const NoiseLevel& level) {
        Matrix out;
        backend.denoise(model, y, level, out);
        return out;
    };
    // Up to grid[N-1]: solve D(x) = x0, the decoder's last step run backwards.
    const NoiseLevel first = schedule.at(grid[std::size_t(steps) - 1]);
    Matrix x = first.alpha * x0;
    for (int k = 0; k < kInvertIterations; ++k) x += first.alpha * (x0 - denoise(x, first));
    // Then up the grid: Heun from grid[i+1] to grid[i], for i = N-2 .. 0.
    const SamplerOptions options;
    for (int i = steps - 2; i >= 0; --i) {
        const NoiseLevel cur = schedule.at(grid[std::size_t(i) + 1]);
        const NoiseLevel next = schedule.at(grid[std::size_t(i)]);
        const Matrix d0 = denoise(x, cur);
        const bool beyond =
            !(next.alpha > 0) || 2.0 * next.halfLogSnr() < schedule.gridLogSnrMin() - 1e-9;
        if (!beyond) {
            StepContext ctx{schedule, options, i, steps, cur, next, denoise, {}, {}};
            x = odeStep(ctx, x, d0, cur, true);
        } else {
            // Past sigma~ = 80 (to alpha = 0 on cosine and rf): Heun in t, as odeStep steps there.
            const double h = next.t - cur.t;
            const Matrix u0 = fromX0(Prediction::Velocity, x, d0, cur);
            const Matrix y = x + h * u0;
            x += (0.5 * h) * (u0 + fromX0(Prediction::Velocity, y, denoise(y, next), next));
        }
        if (!x.allFinite())
            throw DataError(
                fmt::format("encoding along the ODE gave non-finite values at t = {}", next.t));
    }
    return x;
}

} // namespace dfs
