// `diffuscope-cli curves --perspective likelihood`: the held-out negative log-likelihood through
// the probability-flow ODE (diffusion-math.md 3.8; core/samplers/ode_likelihood.hpp) as the
// solver is tightened, one row per tolerance (rk45) or step count (rk4), beside the exact GMM's.
#pragma once

#include "app/cli/model_options.hpp"
#include "core/io/table_io.hpp"

#include <cstdint>
#include <string>

namespace dfs::cli {

struct LikelihoodCurveOptions {
    std::string solver = "rk45";
    int probes = 0; ///< Hutchinson's estimator with K fixed probes (0: the exact trace)
};

/// The ladder: rk45 with rtol = atol = 1e-1 .. 1e-6, or rk4 with 2, 4, .. 256 steps uniform in t.
/// Held-out points: n fresh draws of the mixture (seed offset from `seed`) where the data is a
/// GMM, else the data's first n points (training points, said in `heldOut`). Columns: tol or
/// steps, nfe (mean per point), nll, nll_se, bits_per_dim, then with probes nll_probe_se (the
/// probes' standard error of nll) and for image data bits_per_dim_8bit (uniform dequantisation
/// of the 8-bit images: + 7 bits); where a closed form exists (exact
/// GMM or ideal denoiser) also exact_ode_nfe and exact_ode_nll (the exact denoiser through the
/// same solver) and exact_nll, exact_bits_per_dim (closed-form -log p_{t_min}, one value).
struct LikelihoodCurve {
    Table table;
    std::string heldOut; ///< where the points came from, in words
    std::string prior;   ///< the model's prior p_1
    bool hasExact = false;
};

LikelihoodCurve likelihoodCurve(const LoadedModel& model, const LikelihoodCurveOptions& options,
                                long n, std::uint64_t seed);

} // namespace dfs::cli
