// Samplers as small pure step functions plus a registry entry (the k-diffusion pattern). A step
// moves the particles from grid time t_i to t_{i+1}; SamplerRun (sampler_run.hpp) owns the loop.
#pragma once

#include "core/parameterisation.hpp"
#include "core/schedules/schedule.hpp"
#include "core/schedules/time_grid.hpp"
#include "core/types.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dfs {

/// Every sampler's settings, with the defaults of the paper that introduced it.
struct SamplerOptions {
    double eta = 0.0;        ///< DDIM stochasticity (Song et al. 2021a, eq. 16); 0 = deterministic
    double churn = 40.0;     ///< EDM S_churn (Karras et al. 2022, Table 5)
    double churnTMin = 0.05; ///< EDM S_tmin, in sigma~
    double churnTMax = 50.0; ///< EDM S_tmax, in sigma~
    double churnNoise = 1.003; ///< EDM S_noise
    double snr = 0.16;         ///< Langevin corrector signal-to-noise (score_sde CIFAR-10 configs)
    int correctorSteps = 1;    ///< Langevin corrector steps per level (score_sde)
    int langevinSteps = 10;    ///< annealed Langevin steps per noise level
    /// Annealed Langevin step size in units of sigma_i^2: NCSN's eps sigma_i^2 / sigma_L^2 with
    /// eps = 2e-5, sigma_L = 0.01 (Song & Ermon 2019, Section 4.2) gives 0.2 sigma_i^2.
    double langevinStep = 0.2;
};

/// What a step may use. Every denoiser evaluation goes through `denoise`, which counts NFE.
struct StepContext {
    const Schedule& schedule;
    const SamplerOptions& options;
    int index = 0;        ///< i: the step goes from grid[i] to grid[i+1]
    int steps = 0;        ///< N
    NoiseLevel cur, next; ///< schedule values at t_i and t_{i+1}
    /// D(x) at a noise level; each call is one function evaluation (NFE).
    std::function<Matrix(const Matrix& x, const NoiseLevel& level)> denoise;
    /// D(x_i) at t_i for the state's x, evaluated once and shared with the frame record.
    std::function<const Matrix&()> startPrediction;
    /// Standard normals for this step, one row per particle; substreams give independent draws.
    std::function<Matrix(std::uint32_t substream)> noise;
    bool isLast() const { return next.t == 0.0; }
};

/// Particle state carried between steps; multistep samplers keep their history here.
struct SamplerState {
    Matrix x;
    Matrix prevX0;             ///< DPM-Solver++(2M): D at the previous grid point
    double prevHalfLogSnr = 0; ///< its half log-SNR
    bool hasPrev = false;
};

using StepFn = void (*)(const StepContext&, SamplerState&);

struct SamplerInfo {
    std::string name;
    std::string description; ///< what it is, with the paper and equation
    GridSpacing defaultGrid;
    bool stochastic;
    StepFn step;
    /// Whether the step is linear in the particle matrices with coefficients that do not
    /// depend on the particles, row by row (step_program.hpp traces such steps for devices).
    bool linear = true;
};

/// Throws UsageError naming the setting (by its command-line flag) for a value out of range:
/// eta in [0, 1], churn >= 0, snr > 0, corrector steps in [0, 100], Langevin steps in [1, 1000],
/// Langevin step > 0, S_noise > 0, S_tmin <= S_tmax; every value finite.
void validateOptions(const SamplerOptions& options);

/// The built-in samplers, in display order.
const std::vector<SamplerInfo>& samplerRegistry();
/// Throws UsageError naming the valid samplers for an unknown name.
const SamplerInfo& findSampler(const std::string& name);

// Helpers shared by the step functions.
/// One Euler (heun = false) or Heun step of the PF-ODE from x at `cur` (where D(x) = x0) to
/// ctx.next. Integrated as Karras et al. 2022 do (eq. 4 with s = alpha, Alg. 1): in x~ = x/alpha
/// over sigma~ = sigma/alpha, where dx~/dsigma~ = (x~ - D)/sigma~ = eps_hat, which is far more
/// accurate on ve and edm than stepping in t. A step from beyond sigma~ = 80 (EDM's sigma_max; up
/// to alpha = 0 for cosine and rf at t = 1) is taken in t instead, where the ODE stays finite.
/// Heun's correction is skipped on the last step (to sigma = 0), as in Alg. 1.
Matrix odeStep(const StepContext& ctx, const Matrix& x, const Matrix& x0, const NoiseLevel& cur,
               bool heun);

} // namespace dfs
