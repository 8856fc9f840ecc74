// The rnn curves: each cell's coefficients a, b, c of x_{i+1} = a x_i + b D + c z, its NFE, the
// singular values and log |det| of its Jacobian, and the run's log |det dx_{i+1}/dx_T|
// (diffusion-math.md Section 1.6; core/samplers/step_jacobian.hpp).
#include "app/cli/curves_rnn.hpp"

#include "core/errors.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/samplers/step_jacobian.hpp"

#include <Eigen/LU>
#include <cmath>
#include <fmt/format.h>

namespace dfs::cli {

Table rnnCurvesTable(const LoadedModel& m, const RnnCurveOptions& o, std::uint64_t seed) {
    if (o.steps < 1 || o.steps > 10000)
        throw UsageError(fmt::format("--steps must be in [1, 10000] (got {})", o.steps));
    if (o.particle < 0 || o.particle > 0xFFFFFFFFL)
        throw UsageError(fmt::format("--particle must be in [0, 2^32) (got {})", o.particle));
    // UsageError naming the samplers for an unknown one.
    const SamplerRunConfig config =
        makeRunConfig(*m.schedule, o.sampler, o.steps, "", 7.0, {}, seed);
    const int d = m.denoiser->dim();
    const Matrix xT = SamplerRun::priorSample(*m.schedule, config.grid.front(), 1, d, seed,
                                              std::uint32_t(o.particle));
    const UnrolledJacobian u = unrollJacobians(*m.schedule, config, *m.denoiser,
                                               xT.row(0).transpose(), std::uint32_t(o.particle));
    Table t;
    t.columns = {"step", "t", "t_next", "a", "b", "c", "nfe"};
    for (int k = 1; k <= d; ++k) t.columns.push_back(fmt::format("sigma_{}", k));
    t.columns.insert(t.columns.end(), {"log_abs_det", "log_abs_det_run"});
    t.rows = Matrix(Index(u.cells.size()), Index(t.columns.size()));
    for (std::size_t i = 0; i < u.cells.size(); ++i) {
        const CellJacobian& c = u.cells[i];
        Index col = 0;
        const auto put = [&](double v) { t.rows(Index(i), col++) = v; };
        for (double v : {double(i), c.t, c.tNext, c.a, c.b, c.c, double(c.nfe)}) put(v);
        for (Index k = 0; k < d; ++k) put(c.singularValues[k]);
        put(c.logAbsDet);
        put(std::log(std::abs(u.fromStart[i + 1].determinant())));
    }
    return t;
}

} // namespace dfs::cli
