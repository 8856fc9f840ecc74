// Heun's method on the probability-flow ODE (Karras et al. 2022, Alg. 1, lines 5-8): an Euler
// step, then the trapezoidal correction unless the step lands on t = 0. NFE = 2N - 1.
#include "core/samplers/sampler_steps.hpp"

namespace dfs {

void heunStep(const StepContext& ctx, SamplerState& st) {
    const double h = ctx.next.t - ctx.cur.t;
    const Matrix d = odeVelocity(st.x, ctx.startPrediction(), ctx.cur);
    Matrix x = st.x + h * d;
    if (!ctx.isLast()) {
        const Matrix d2 = odeVelocity(x, ctx.denoise(x, ctx.next), ctx.next);
        x = st.x + (0.5 * h) * (d + d2);
    }
    st.x = std::move(x);
}

} // namespace dfs
