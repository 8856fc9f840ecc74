// DDIM step (Song, Meng & Ermon 2021, eq. 12; eta as in eq. 16), for any schedule:
//   x_s = alpha_s D + sqrt(sigma_s^2 - c^2) eps_hat + c z,
//   c = eta * sqrt(sigma_{t|s}^2 sigma_s^2 / sigma_t^2)   (eta = 1: the DDPM posterior variance).
#include "core/samplers/sampler_steps.hpp"

#include <algorithm>
#include <cmath>

namespace dfs {

void ddimStep(const StepContext& ctx, SamplerState& st) {
    const NoiseLevel &t = ctx.cur, &s = ctx.next;
    const Matrix& x0 = ctx.startPrediction();
    const Matrix eps = fromX0(Prediction::Eps, st.x, x0, t);
    const double aTs = t.alpha / s.alpha;
    const double s2t = t.sigma * t.sigma, s2s = s.sigma * s.sigma;
    const double s2Ts = std::max(s2t - aTs * aTs * s2s, 0.0);
    const double c = ctx.options.eta * std::sqrt(s2Ts * s2s / s2t);
    const double dir = std::sqrt(std::max(s2s - c * c, 0.0));
    Matrix x = s.alpha * x0 + dir * eps;
    if (c > 0 && !ctx.isLast()) x += c * ctx.noise(0);
    st.x = std::move(x);
}

} // namespace dfs
