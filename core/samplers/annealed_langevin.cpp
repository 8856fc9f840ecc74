// Annealed Langevin dynamics (Song & Ermon 2019, Alg. 1): at each noise level of the grid,
// K steps x <- x + (step/2) s(x) + sqrt(step) z with step = c sigma_i^2 (NCSN's
// eps sigma_i^2 / sigma_L^2). The last level ends with a denoising jump x <- D(x) (Tweedie;
// Song & Ermon 2020, "Improved techniques", Section 4, and Jolicoeur-Martineau et al. 2021).
#include "core/samplers/sampler_steps.hpp"

#include <cmath>

namespace dfs {

void annealedLangevinStep(const StepContext& ctx, SamplerState& st) {
    const NoiseLevel& l = ctx.cur;
    const double step = ctx.options.langevinStep * l.sigma * l.sigma;
    for (int k = 0; k < ctx.options.langevinSteps; ++k) {
        const Matrix x0 = k == 0 ? ctx.startPrediction() : ctx.denoise(st.x, l);
        const Matrix score = fromX0(Prediction::Score, st.x, x0, l);
        st.x += (0.5 * step) * score + std::sqrt(step) * ctx.noise(std::uint32_t(k));
    }
    if (ctx.isLast()) st.x = ctx.denoise(st.x, l);
}

} // namespace dfs
