// The sampler registry and the helpers shared by the step functions.
#include "core/errors.hpp"
#include "core/samplers/sampler_steps.hpp"

#include <cmath>
#include <fmt/format.h>

namespace dfs {

const std::vector<SamplerInfo>& samplerRegistry() {
    static const std::vector<SamplerInfo> registry = {
        {"ddpm", "ancestral sampling from q(x_s | x_t, x0 = D) (Ho et al. 2020, eq. 7 and Alg. 2)",
         GridSpacing::UniformT, true, ddpmStep},
        {"ddim", "DDIM with eta (Song, Meng & Ermon 2021, eq. 12 and 16); eta = 0 is deterministic",
         GridSpacing::UniformT, false, ddimStep},
        {"euler",
         "Euler on the probability-flow ODE (Karras et al. 2022, Alg. 1 without the "
         "correction)",
         GridSpacing::Karras, false, eulerStep},
        {"heun", "Heun's 2nd-order method on the PF-ODE (Karras et al. 2022, Alg. 1)",
         GridSpacing::Karras, false, heunStep},
        {"em",
         "Euler-Maruyama on the reverse SDE (Song et al. 2021, eq. 6; score_sde "
         "EulerMaruyamaPredictor)",
         GridSpacing::UniformLogSnr, true, eulerMaruyamaStep},
        {"edm-sde", "EDM stochastic sampler with churn (Karras et al. 2022, Alg. 2)",
         GridSpacing::Karras, true, edmSdeStep},
        {"dpmpp-2m", "DPM-Solver++(2M), multistep data prediction (Lu et al. 2022b, Alg. 2)",
         GridSpacing::UniformLogSnr, false, dpmpp2mStep},
        {"pc",
         "predictor-corrector: reverse-diffusion predictor + Langevin corrector (Song et "
         "al. 2021, Alg. 2-5)",
         GridSpacing::UniformT, true, predictorCorrectorStep,
         false}, // its Langevin step size is a ratio of norms over all particles
        {"langevin", "annealed Langevin dynamics over the noise levels (Song & Ermon 2019, Alg. 1)",
         GridSpacing::UniformLogSnr, true, annealedLangevinStep},
    };
    return registry;
}

const SamplerInfo& findSampler(const std::string& name) {
    std::string names;
    for (const auto& s : samplerRegistry()) {
        if (s.name == name) return s;
        names += (names.empty() ? "" : ", ") + s.name;
    }
    throw UsageError(fmt::format("unknown sampler '{}' (choose from {})", name, names));
}

Matrix odeStep(const StepContext& ctx, const Matrix& x, const Matrix& x0, const NoiseLevel& cur,
               bool heun) {
    const NoiseLevel& next = ctx.next;
    // Beyond EDM's sigma_max (sigma~ = 80, up to infinity where alpha = 0) a sigma~ step would be
    // enormous: step in t there, where dx/dt stays finite.
    if (!(cur.alpha > 0) || 2.0 * cur.halfLogSnr() < ctx.schedule.gridLogSnrMin() - 1e-9) {
        const double h = next.t - cur.t;
        const Matrix d = fromX0(Prediction::Velocity, x, x0, cur);
        Matrix y = x + h * d;
        if (heun && !ctx.isLast())
            y = x + (0.5 * h) * (d + fromX0(Prediction::Velocity, y, ctx.denoise(y, next), next));
        return y;
    }
    // x~' = x~ + (sigma~' - sigma~) eps = D + sigma~' eps, so x' = alpha' D + sigma' eps (which
    // lands exactly on D at sigma' = 0).
    const Matrix eps = fromX0(Prediction::Eps, x, x0, cur);
    Matrix y = next.alpha * x0 + next.sigma * eps;
    if (heun && !ctx.isLast()) {
        const Matrix eps2 = fromX0(Prediction::Eps, y, ctx.denoise(y, next), next);
        y += (0.5 * next.alpha * (next.sigmaTilde() - cur.sigmaTilde())) * (eps2 - eps);
    }
    return y;
}

void validateOptions(const SamplerOptions& o) {
    const auto check = [](bool ok, const char* flag, const char* range, double value) {
        if (!ok || !std::isfinite(value))
            throw UsageError(fmt::format("{} must be {} (got {})", flag, range, value));
    };
    check(o.eta >= 0 && o.eta <= 1, "--eta", "in [0, 1]", o.eta);
    check(o.churn >= 0, "--churn", ">= 0", o.churn);
    check(o.churnTMin >= 0, "--churn-tmin", ">= 0", o.churnTMin);
    check(o.churnTMax >= o.churnTMin, "--churn-tmax", ">= --churn-tmin", o.churnTMax);
    check(o.churnNoise > 0, "--churn-noise", "> 0", o.churnNoise);
    check(o.snr > 0, "--snr", "> 0", o.snr);
    check(o.correctorSteps >= 0 && o.correctorSteps <= 100, "--corrector-steps", "in [0, 100]",
          o.correctorSteps);
    check(o.langevinSteps >= 1 && o.langevinSteps <= 1000, "--langevin-steps", "in [1, 1000]",
          o.langevinSteps);
    check(o.langevinStep > 0, "--langevin-step", "> 0", o.langevinStep);
}

} // namespace dfs
