// Per-point log-likelihood of samples, skipping non-finite rows (see points_likelihood.hpp).
#include "core/samplers/points_likelihood.hpp"

#include "core/denoisers/denoiser.hpp"
#include "core/schedules/schedule.hpp"

#include <limits>
#include <vector>

namespace dfs {

PointsLikelihood pointsLogLikelihood(const Denoiser& model, const Denoiser* exact,
                                     const Schedule& schedule, const Matrix& x,
                                     const LikelihoodOptions& o) {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<Index> rows;
    rows.reserve(std::size_t(x.rows()));
    for (Index r = 0; r < x.rows(); ++r)
        if (x.row(r).allFinite()) rows.push_back(r);
    Matrix finite(Index(rows.size()), x.cols());
    for (std::size_t i = 0; i < rows.size(); ++i) finite.row(Index(i)) = x.row(rows[i]);
    PointsLikelihood out;
    out.skipped = x.rows() - finite.rows();
    out.logp = Vector::Constant(x.rows(), nan);
    if (exact) out.logpExact = Vector::Constant(x.rows(), nan);
    if (finite.rows() == 0) return out;
    const LikelihoodResult r = odeLogLikelihood(model, schedule, finite, o);
    out.prior = r.prior;
    Vector closed;
    if (exact) {
        closed.resize(finite.rows());
        exact->logDensityRows(finite, schedule.at(o.tMin), closed, 0, finite.rows());
    }
    double nfe = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        out.logp[rows[i]] = r.logp[Index(i)];
        if (exact) out.logpExact[rows[i]] = closed[Index(i)];
        nfe += double(r.nfe[i]);
    }
    out.meanNfe = nfe / double(rows.size());
    return out;
}

} // namespace dfs
