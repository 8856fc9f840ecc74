// The PF-ODE likelihood driver: prior, solver and threads (see ode_likelihood.hpp).
#include "core/samplers/ode_likelihood.hpp"

#include "core/backend/thread_pool.hpp"
#include "core/denoisers/learned_denoiser.hpp"
#include "core/errors.hpp"
#include "core/name_table.hpp"
#include "core/samplers/hutchinson_trace.hpp"
#include "core/samplers/ode_solvers.hpp"
#include "core/samplers/pf_divergence.hpp"

#include <cmath>
#include <fmt/format.h>
#include <numbers>

namespace dfs {

namespace {
constexpr NameTable<OdeSolver, 2> kSolvers = {{{OdeSolver::Rk45, "rk45"}, {OdeSolver::Rk4, "rk4"}}};
constexpr Index kBlock = 32; ///< rows per RK4 block (measured: 32 beats 8, 64, 128 and 256)

/// The standard error of the mean of K values, one per probe: their sample standard deviation
/// / sqrt(K); 0 for fewer than two.
double probeStandardError(const Eigen::RowVectorXd& values) {
    const Index k = values.size();
    if (k < 2) return 0.0;
    const double mean = values.mean();
    return std::sqrt((values.array() - mean).square().sum() / double(k - 1) / double(k));
}

/// The prior p_1: the exact marginal, or N(alpha_1 mean, (alpha_1^2 var + sigma_1^2) I).
struct Prior {
    bool exact = false;
    Vector mean;
    double var = 0;
    std::string describe;
};

Prior makePrior(const Denoiser& model, const Schedule& schedule, const LikelihoodOptions& o) {
    Prior p;
    const NoiseLevel l = schedule.at(o.tMax);
    if (!o.gaussianPrior && model.hasLogDensity()) {
        p.exact = true;
        p.describe = fmt::format("exact p_t of the {} denoiser at t = {}", model.name(), o.tMax);
        return p;
    }
    Vector mean = o.dataMean;
    double var = o.dataVar;
    if (mean.size() == 0) {
        const auto* learned = dynamic_cast<const LearnedDenoiser*>(&model);
        if (!learned)
            throw UsageError(fmt::format("the Gaussian prior needs the data's mean and variance "
                                         "for the '{}' denoiser",
                                         model.name()));
        const ModelSpec& s = learned->model().spec;
        mean = Eigen::Map<const Vector>(s.mean.data(), Index(s.mean.size()));
        var = s.scale * s.sigmaData * s.scale * s.sigmaData;
    }
    if (mean.size() != model.dim() || !(var > 0))
        throw UsageError("the Gaussian prior needs a mean of the data's dimension and a positive "
                         "variance");
    p.mean = l.alpha * mean;
    p.var = l.alpha * l.alpha * var + l.sigma * l.sigma;
    p.describe = fmt::format("Gaussian N(alpha_1 mean, (alpha_1^2 {:.4g} + sigma_1^2) I) at t = {}",
                             var, o.tMax);
    return p;
}

Vector priorLogDensity(const Prior& p, const Denoiser& model, const Schedule& schedule,
                       const Matrix& z, double t) {
    Vector out(z.rows());
    if (p.exact) {
        model.logDensityRows(z, schedule.at(t), out, 0, z.rows());
        return out;
    }
    const double d = double(z.cols());
    const double norm = -0.5 * d * std::log(2 * std::numbers::pi * p.var);
    for (Index r = 0; r < z.rows(); ++r)
        out[r] = norm - 0.5 * (z.row(r).transpose() - p.mean).squaredNorm() / p.var;
    return out;
}

void checkOptions(const LikelihoodOptions& o, const Schedule& schedule) {
    if (!(o.tMin > 0) || !(o.tMax <= 1) || !(o.tMin < o.tMax))
        throw UsageError(fmt::format("the likelihood integrates over 0 < t_min < t_max <= 1 (got "
                                     "t_min = {}, t_max = {})",
                                     o.tMin, o.tMax));
    if (!(schedule.at(o.tMin).sigma > 0))
        throw UsageError(fmt::format("sigma(t_min = {}) is 0 on {}", o.tMin, schedule.name()));
}
} // namespace

OdeSolver parseOdeSolver(const std::string& name) {
    return parseName(kSolvers, name, "solver");
}

std::string odeSolverName(OdeSolver s) {
    return nameOf(kSolvers, s);
}

double LikelihoodResult::meanNll() const {
    return logp.size() ? -logp.mean() : 0.0;
}

double LikelihoodResult::meanNllSe() const {
    if (probeIntegrals.rows() == 0) return 0.0;
    return probeStandardError(probeIntegrals.colwise().mean()); // per probe, over points
}

double LikelihoodResult::bitsPerDim() const {
    return latent.cols() ? meanNll() / (double(latent.cols()) * std::numbers::ln2) : 0.0;
}

LikelihoodResult odeLogLikelihood(const Denoiser& model, const Schedule& schedule, const Matrix& x,
                                  const LikelihoodOptions& o) {
    checkOptions(o, schedule);
    if (x.cols() != model.dim())
        throw DataError(fmt::format("the points have {} columns and the model takes {}", x.cols(),
                                    model.dim()));
    for (Index r = 0; r < x.rows(); ++r)
        if (!x.row(r).allFinite()) throw DataError(fmt::format("point {} is not finite", r + 1));
    if (o.probes < 0 || o.probes > 4096)
        throw UsageError(fmt::format("--probes must be in [0, 4096] (got {})", o.probes));
    const PfOdeDivergence field(model, schedule, o.singlePrecision,
                                o.probes ? rademacherProbes(o.probes, model.dim(), o.probeSeed)
                                         : Matrix());
    const Prior prior = makePrior(model, schedule, o);
    const AugmentedField f = [&field](const Matrix& xs, double t, Matrix& u, Matrix& g) {
        field.evaluate(xs, t, u, g);
    };
    const Index n = x.rows(), m = field.columns();
    LikelihoodResult res;
    res.latent = x;
    res.nfe.assign(std::size_t(n), 0);
    Matrix integral = Matrix::Zero(n, m);
    ThreadPool pool(o.threads);
    if (o.solver == OdeSolver::Rk4) {
        if (o.steps < 1)
            throw UsageError(fmt::format("--steps must be at least 1 (got {})", o.steps));
        pool.parallelFor(std::size_t(n), std::size_t(kBlock), [&](std::size_t b, std::size_t e) {
            Matrix xb = x.middleRows(Index(b), Index(e - b));
            Matrix lb = Matrix::Zero(Index(e - b), m);
            const long nfe = rk4Augmented(f, o.tMin, o.tMax, o.steps, xb, lb);
            res.latent.middleRows(Index(b), Index(e - b)) = xb;
            integral.middleRows(Index(b), Index(e - b)) = lb;
            for (std::size_t i = b; i < e; ++i) res.nfe[i] = nfe;
        });
    } else {
        const Index block = std::max(1, o.block);
        pool.parallelFor(std::size_t(n), std::size_t(block), [&](std::size_t b, std::size_t e) {
            Matrix xb = x.middleRows(Index(b), Index(e - b));
            Matrix lb = Matrix::Zero(Index(e - b), m);
            long nfe = 0;
            try {
                nfe = dopri5Augmented(f, o.tMin, o.tMax, o.rtol, o.atol, xb, lb);
            } catch (const DataError& err) {
                throw DataError(e - b == 1 ? fmt::format("point {}: {}", b + 1, err.what())
                                           : fmt::format("points {}-{}: {}", b + 1, e, err.what()));
            }
            res.latent.middleRows(Index(b), Index(e - b)) = xb;
            integral.middleRows(Index(b), Index(e - b)) = lb;
            for (std::size_t i = b; i < e; ++i) res.nfe[i] = nfe;
        });
    }
    res.logPrior = priorLogDensity(prior, model, schedule, res.latent, o.tMax);
    res.logp = res.logPrior + integral.rowwise().mean();
    if (o.probes) {
        res.probeIntegrals = integral;
        res.logpSe.resize(n);
        for (Index r = 0; r < n; ++r) res.logpSe[r] = probeStandardError(integral.row(r));
    }
    res.prior = prior.describe;
    res.trace = field.method();
    return res;
}

} // namespace dfs
