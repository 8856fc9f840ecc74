// Predictor-corrector sampler (Song et al. 2021, Alg. 1-5; score_sde get_pc_sampler): at each
// level, `correctorSteps` Langevin corrector steps with the step size set by the target
// signal-to-noise ratio r,
//   step = 2 a (r ||z|| / ||s||)^2,  x <- x + step s + sqrt(2 step) z   (norms averaged over
//   particles, a = (alpha_t / alpha_s)^2, score_sde's alpha_i = 1 - beta_i; 1 for VE),
// then the reverse-diffusion predictor built from the forward kernel between grid points,
// x_t = a x_s + b z:  x <- (2 - a) x + b^2 s + b z  (eq. 46-47), noise-free at the last step.
#include "core/samplers/sampler_steps.hpp"

#include <algorithm>
#include <cmath>

namespace dfs {
namespace {

double meanRowNorm(const Matrix& m) {
    return m.rowwise().norm().mean();
}

} // namespace

void predictorCorrectorStep(const StepContext& ctx, SamplerState& st) {
    const NoiseLevel &t = ctx.cur, &s = ctx.next;
    const double a = t.alpha / s.alpha;
    for (int j = 0; j < ctx.options.correctorSteps; ++j) {
        const Matrix x0 = j == 0 ? ctx.startPrediction() : ctx.denoise(st.x, t);
        const Matrix score = fromX0(Prediction::Score, st.x, x0, t);
        const Matrix z = ctx.noise(std::uint32_t(1 + j));
        const double sn = meanRowNorm(score);
        if (!(sn > 0)) continue;
        const double ratio = ctx.options.snr * meanRowNorm(z) / sn;
        const double step = 2 * a * a * ratio * ratio;
        st.x += step * score + std::sqrt(2 * step) * z;
    }
    const Matrix x0 = ctx.options.correctorSteps > 0 ? ctx.denoise(st.x, t) : ctx.startPrediction();
    const double b2 = std::max(t.sigma * t.sigma - a * a * s.sigma * s.sigma, 0.0);
    Matrix x = (2 - a) * st.x + b2 * fromX0(Prediction::Score, st.x, x0, t);
    if (!ctx.isLast()) x += std::sqrt(b2) * ctx.noise(0);
    st.x = std::move(x);
}

} // namespace dfs
