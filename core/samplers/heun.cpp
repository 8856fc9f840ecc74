// Heun's method on the probability-flow ODE (Karras et al. 2022, Alg. 1, lines 5-8): an Euler
// step, then the trapezoidal correction unless the step lands on sigma = 0. NFE = 2N - 1.
#include "core/samplers/sampler_steps.hpp"

namespace dfs {

void heunStep(const StepContext& ctx, SamplerState& st) {
    st.x = odeStep(ctx, st.x, ctx.startPrediction(), ctx.cur, true);
}

} // namespace dfs
