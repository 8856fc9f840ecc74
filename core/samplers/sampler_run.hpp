// A sampler run as a stepping object: construction gives frame 0 (the initial noise), each
// step() advances one grid step and returns its frame. The GUI steps it frame by frame, the CLI
// in a loop; nothing else re-implements the sampling loop.
#pragma once

#include "core/samplers/sampler.hpp"

#include <cstdint>
#include <vector>

namespace dfs {

class Backend;
class Denoiser;

/// One recorded state. x0Hat and epsHat are the model's predictions at (x, t) (at t = 0:
/// x0Hat = x, epsHat = 0). nfe counts the sampler's own denoiser evaluations so far; a
/// prediction computed only for this record (a sampler that does not use D(x_i, t_i)) is not
/// counted.
struct Frame {
    int i = 0;
    double t = 1;
    double sigma = 1;
    Matrix x, x0Hat, epsHat;
    long nfe = 0;
};

struct SamplerRunConfig {
    const SamplerInfo* sampler = nullptr;
    GridSpacing spacing = GridSpacing::UniformT; ///< how `grid` was made
    std::vector<double> grid; ///< from makeTimeGrid: strictly decreasing, ends at 0
    SamplerOptions options;
    std::uint64_t seed = 0;
    std::uint32_t firstParticle = 0; ///< Philox particle index of row 0
};

/// Throws UsageError unless the config names a sampler with valid options and a grid that runs
/// strictly down from t <= 1 to t = 0.
void validateRunConfig(const SamplerRunConfig& config);

/// The one place a run's configuration is made from the user's settings: the sampler by name
/// (UsageError naming the choices), its default grid spacing unless `spacing` names one, `steps`
/// grid steps with Karras' rho (time_grid.hpp), the options (validated) and the noise seed.
SamplerRunConfig makeRunConfig(const Schedule& schedule, const std::string& sampler, int steps,
                               const std::string& spacing = "", double rho = 7.0,
                               const SamplerOptions& options = {}, std::uint64_t seed = 0);

/// Step i's context from grid[i] to grid[i + 1] (its callbacks left for the caller to set): the
/// one place SamplerRun and the tracer of step_program.hpp build it.
StepContext stepContext(const Schedule& schedule, const SamplerRunConfig& config, int i);

class SamplerRun {
public:
    /// References must outlive the run. Throws UsageError for a bad grid or a dimension mismatch.
    SamplerRun(const Schedule& schedule, const Denoiser& model, Backend& backend,
               SamplerRunConfig config, Matrix xInit);

    /// Prior sample at grid time t0: N(0, (alpha^2 + sigma^2) I), which is exact for
    /// variance-preserving and flow schedules with unit-variance data.
    static Matrix priorSample(const Schedule& schedule, double t0, Index n, int dim,
                              std::uint64_t seed, std::uint32_t firstParticle = 0);

    bool done() const { return m_frame.i >= steps(); }
    int steps() const { return int(m_config.grid.size()) - 1; }
    const Frame& current() const { return m_frame; }
    const std::vector<double>& grid() const { return m_config.grid; }
    /// Advances one step and returns the new frame. Throws std::logic_error when done().
    const Frame& step();

private:
    void record(int i, Matrix x);
    const Schedule& m_schedule;
    const Denoiser& m_model;
    Backend& m_backend;
    SamplerRunConfig m_config;
    SamplerState m_state;
    Frame m_frame;
    bool m_startUsed = false; ///< whether the current frame's x0Hat was consumed (and counted)
};

} // namespace dfs
