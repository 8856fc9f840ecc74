// `diffuscope-cli curves --perspective rnn`: one particle's sampler run unrolled into cells
// (diffusion-math.md Section 1.6), one row per step.
#pragma once

#include "app/cli/model_options.hpp"
#include "core/io/table_io.hpp"

#include <cstdint>
#include <string>

namespace dfs::cli {

struct RnnCurveOptions {
    std::string sampler = "ddim";
    int steps = 50;
    long particle = 0; ///< the Philox particle whose prior draw x_T starts the run
};

/// Columns step, t, t_next, a, b, c, nfe, sigma_1 .. sigma_d (the singular values of the step's
/// Jacobian dx_{i+1}/dx_i, largest first), log_abs_det and log_abs_det_run (log |det dx_{i+1}/
/// dx_T|). UsageError for a bad sampler, step count or particle.
Table rnnCurvesTable(const LoadedModel& model, const RnnCurveOptions& options, std::uint64_t seed);

} // namespace dfs::cli
