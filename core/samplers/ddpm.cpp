// DDPM ancestral step (Ho et al. 2020, eq. 6-7, Alg. 2): draw x_s ~ q(x_s | x_t, x0 = D(x_t)),
// the Gaussian posterior of the forward chain, written for any schedule as in VDM
// (Kingma et al. 2021, eq. 32-33):
//   alpha_{t|s} = alpha_t / alpha_s,   sigma_{t|s}^2 = sigma_t^2 - alpha_{t|s}^2 sigma_s^2,
//   mean = alpha_{t|s} sigma_s^2 / sigma_t^2 x_t + alpha_s sigma_{t|s}^2 / sigma_t^2 x0,
//   var  = sigma_{t|s}^2 sigma_s^2 / sigma_t^2.
#include "core/samplers/sampler_steps.hpp"

#include <algorithm>
#include <cmath>

namespace dfs {

void ddpmStep(const StepContext& ctx, SamplerState& st) {
    const NoiseLevel &t = ctx.cur, &s = ctx.next;
    const Matrix& x0 = ctx.startPrediction();
    const double aTs = t.alpha / s.alpha;
    const double s2t = t.sigma * t.sigma, s2s = s.sigma * s.sigma;
    const double s2Ts = std::max(s2t - aTs * aTs * s2s, 0.0);
    const Matrix mean = (aTs * s2s / s2t) * st.x + (s.alpha * s2Ts / s2t) * x0;
    const double stdev = std::sqrt(s2Ts * s2s / s2t);
    st.x = ctx.isLast() ? mean : Matrix(mean + stdev * ctx.noise(0));
}

} // namespace dfs
