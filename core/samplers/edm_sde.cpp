// EDM stochastic sampler (Karras et al. 2022, Alg. 2): raise the noise level by a factor
// (1 + gamma), gamma = min(S_churn / N, sqrt(2) - 1) while S_tmin <= sigma~ <= S_tmax, adding
// fresh noise of std sqrt(sigma~hat^2 - sigma~^2) S_noise (in EDM's x/alpha coordinates), then
// take a Heun step of the PF-ODE from the raised level. S_churn = 0 gives Heun (Alg. 1).
#include "core/samplers/sampler_steps.hpp"

#include <algorithm>
#include <cmath>

namespace dfs {

void edmSdeStep(const StepContext& ctx, SamplerState& st) {
    const SamplerOptions& o = ctx.options;
    const NoiseLevel& l = ctx.cur;
    const double sTilde = l.sigmaTilde();
    const bool inWindow = sTilde >= o.churnTMin && sTilde <= o.churnTMax;
    const double gamma = inWindow ? std::min(o.churn / ctx.steps, std::sqrt(2.0) - 1) : 0.0;

    NoiseLevel hat = l;
    Matrix xHat, x0Hat;
    if (gamma > 0) {
        const double tHat = ctx.schedule.tFromLogSnr(-2.0 * std::log(sTilde * (1 + gamma)));
        hat = ctx.schedule.at(std::max(tHat, l.t));
        const double sHat = hat.sigmaTilde();
        const double add = std::sqrt(std::max(sHat * sHat - sTilde * sTilde, 0.0));
        xHat = (hat.alpha / l.alpha) * st.x + (hat.alpha * add * o.churnNoise) * ctx.noise(0);
        x0Hat = ctx.denoise(xHat, hat);
    } else {
        xHat = st.x;
        x0Hat = ctx.startPrediction();
    }
    Matrix x = odeStep(ctx, xHat, x0Hat, hat, true);
    st.x = std::move(x);
}

} // namespace dfs
