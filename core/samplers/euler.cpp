// Euler step on the probability-flow ODE dx/dt = alpha' D + sigma' (x - alpha D)/sigma
// (Song et al. 2021, eq. 13; Karras et al. 2022, Alg. 1 without the 2nd-order correction),
// integrated in the app's time t so that alpha(1) = 0 (cosine, rf) stays finite.
#include "core/samplers/sampler_steps.hpp"

namespace dfs {

void eulerStep(const StepContext& ctx, SamplerState& st) {
    const double h = ctx.next.t - ctx.cur.t;
    st.x += h * odeVelocity(st.x, ctx.startPrediction(), ctx.cur);
}

} // namespace dfs
