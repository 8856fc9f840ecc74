// The stepping loop shared by the GUI and the CLI.
#include "core/samplers/sampler_run.hpp"

#include "core/backend/backend.hpp"
#include "core/denoisers/denoiser.hpp"
#include "core/errors.hpp"
#include "core/rng/noise.hpp"

#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

namespace dfs {

SamplerRun::SamplerRun(const Schedule& schedule, const Denoiser& model, Backend& backend,
                       SamplerRunConfig config, Matrix xInit)
    : m_schedule(schedule), m_model(model), m_backend(backend), m_config(std::move(config)) {
    validateRunConfig(m_config);
    if (xInit.cols() != model.dim())
        throw UsageError(fmt::format("initial points have {} dimensions, the model {}",
                                     xInit.cols(), model.dim()));
    record(0, std::move(xInit));
}

void validateRunConfig(const SamplerRunConfig& config) {
    const auto& g = config.grid;
    if (!config.sampler) throw UsageError("no sampler chosen");
    validateOptions(config.options);
    if (g.size() < 2 || g.back() != 0.0 || g.front() > 1.0)
        throw UsageError("a sampler grid must run from t <= 1 down to t = 0");
    for (std::size_t i = 1; i < g.size(); ++i)
        if (!(g[i] < g[i - 1])) throw UsageError("a sampler grid must be strictly decreasing");
}

SamplerRunConfig makeRunConfig(const Schedule& schedule, const std::string& sampler, int steps,
                               const std::string& spacing, double rho,
                               const SamplerOptions& options, std::uint64_t seed) {
    SamplerRunConfig config;
    config.sampler = &findSampler(sampler);
    config.spacing = spacing.empty() ? config.sampler->defaultGrid : parseGridSpacing(spacing);
    validateOptions(options);
    config.grid = makeTimeGrid(schedule, config.spacing, steps, rho);
    config.options = options;
    config.seed = seed;
    return config;
}

StepContext stepContext(const Schedule& schedule, const SamplerRunConfig& config, int i) {
    const auto& g = config.grid;
    return StepContext{schedule,
                       config.options,
                       i,
                       int(g.size()) - 1,
                       schedule.at(g[std::size_t(i)]),
                       schedule.at(g[std::size_t(i) + 1]),
                       {},
                       {},
                       {}};
}

Matrix SamplerRun::priorSample(const Schedule& schedule, double t0, Index n, int dim,
                               std::uint64_t seed, std::uint32_t firstParticle) {
    const NoiseLevel l = schedule.at(t0);
    return std::sqrt(l.alpha * l.alpha + l.sigma * l.sigma) *
           gaussianNoise(seed, firstParticle, n, dim, kInitialNoiseStep, 0);
}

void SamplerRun::record(int i, Matrix x) {
    const double t = m_config.grid[std::size_t(i)];
    const NoiseLevel l = m_schedule.at(t);
    m_frame.i = i;
    m_frame.t = t;
    m_frame.sigma = l.sigma;
    if (t == 0.0) {
        m_frame.x0Hat = x;
        m_frame.epsHat = Matrix::Zero(x.rows(), x.cols());
    } else {
        m_backend.denoise(m_model, x, l, m_frame.x0Hat);
        m_frame.epsHat = fromX0(Prediction::Eps, x, m_frame.x0Hat, l);
    }
    m_frame.x = std::move(x);
    m_startUsed = false;
}

const Frame& SamplerRun::step() {
    if (done()) throw std::logic_error("SamplerRun::step() called after the last step");
    const int i = m_frame.i;
    StepContext ctx = stepContext(m_schedule, m_config, i);
    long nfe = m_frame.nfe;
    ctx.denoise = [&](const Matrix& x, const NoiseLevel& level) {
        Matrix out;
        m_backend.denoise(m_model, x, level, out);
        ++nfe;
        return out;
    };
    ctx.startPrediction = [&]() -> const Matrix& {
        if (!m_startUsed) ++nfe;
        m_startUsed = true;
        return m_frame.x0Hat;
    };
    const Index rows = m_frame.x.rows(), dim = m_frame.x.cols();
    ctx.noise = [&, i](std::uint32_t substream) {
        return gaussianNoise(m_config.seed, m_config.firstParticle, rows, dim, std::uint32_t(i),
                             substream);
    };
    m_state.x = m_frame.x;
    m_config.sampler->step(ctx, m_state);
    if (!m_state.x.allFinite())
        throw DataError(fmt::format("sampler '{}' produced non-finite values at step {} (t = {})",
                                    m_config.sampler->name, i, ctx.cur.t));
    record(i + 1, m_state.x);
    m_frame.nfe = nfe;
    return m_frame;
}

} // namespace dfs
