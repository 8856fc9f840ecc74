// DPM-Solver++(2M) (Lu et al. 2022b, "DPM-Solver++", Alg. 2), data-prediction multistep form
// with lambda = log(alpha/sigma), h = lambda_t - lambda_s, r = h_prev / h:
//   x_t = (sigma_t/sigma_s) x_s - alpha_t (e^{-h} - 1) [(1 + 1/(2r)) D_s - 1/(2r) D_prev].
// The first step and the final step to sigma = 0 are first order (= DDIM), as in the reference
// code (lower_order_final) and k-diffusion.
#include "core/samplers/sampler_steps.hpp"

#include <cmath>

namespace dfs {

void dpmpp2mStep(const StepContext& ctx, SamplerState& st) {
    const NoiseLevel &s = ctx.cur, &t = ctx.next;
    const Matrix& d = ctx.startPrediction();
    const double lambdaS = s.halfLogSnr();
    if (ctx.isLast()) {
        st.x = t.alpha * d;
    } else {
        const double h = t.halfLogSnr() - lambdaS;
        const double r = (lambdaS - st.prevHalfLogSnr) / h;
        const bool secondOrder = st.hasPrev && std::isfinite(r) && r > 0;
        const Matrix dMix = secondOrder ? Matrix((1 + 0.5 / r) * d - (0.5 / r) * st.prevX0) : d;
        const double ratio = s.sigma > 0 ? t.sigma / s.sigma : 0.0;
        st.x = ratio * st.x - (t.alpha * std::expm1(-h)) * dMix;
    }
    st.prevX0 = d;
    st.prevHalfLogSnr = lambdaS;
    st.hasPrev = true;
}

} // namespace dfs
