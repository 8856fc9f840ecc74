// Euler-Maruyama on the reverse SDE dx = [f x - g^2 s] dt + g dw (Anderson 1982; Song et al.
// 2021, eq. 6; score_sde EulerMaruyamaPredictor), with f = d log alpha/dt and
// g^2 = d sigma^2/dt - 2 f sigma^2 (Kingma et al. 2021, App. A). The last step returns the
// noise-free mean, as score_sde's sampler does.
//
// f and g^2 diverge where alpha -> 0 (cosine and rf at t = 1): there the coefficients are taken
// at the grid's log-SNR floor (Schedule::gridLogSnrMin), while the score is the one at t.
#include "core/samplers/sampler_steps.hpp"

#include <cmath>

namespace dfs {

void eulerMaruyamaStep(const StepContext& ctx, SamplerState& st) {
    const NoiseLevel& l = ctx.cur;
    NoiseLevel c = l;
    if (ctx.schedule.logSnr(l.t) < ctx.schedule.gridLogSnrMin())
        c = ctx.schedule.at(ctx.schedule.tFromLogSnr(ctx.schedule.gridLogSnrMin()));
    const double f = c.alphaDot / c.alpha;
    const double g2 = 2 * c.sigma * c.sigmaDot - 2 * f * c.sigma * c.sigma;
    const Matrix score = fromX0(Prediction::Score, st.x, ctx.startPrediction(), l);
    const double dt = ctx.next.t - l.t; // negative: time runs backwards
    Matrix x = st.x + (f * st.x - g2 * score) * dt;
    if (!ctx.isLast()) x += std::sqrt(g2 * -dt) * ctx.noise(0);
    st.x = std::move(x);
}

} // namespace dfs
