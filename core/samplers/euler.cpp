// Euler step on the probability-flow ODE (Song et al. 2021, eq. 13; Karras et al. 2022, Alg. 1
// without the 2nd-order correction), in EDM's sigma~ coordinates (see odeStep). With alpha > 0
// it coincides with deterministic DDIM (Karras et al. 2022, Section 4); only the grid differs.
#include "core/samplers/sampler_steps.hpp"

namespace dfs {

void eulerStep(const StepContext& ctx, SamplerState& st) {
    st.x = odeStep(ctx, st.x, ctx.startPrediction(), ctx.cur, false);
}

} // namespace dfs
