// PF-ODE velocity and exact divergence (see pf_divergence.hpp).
#include "core/samplers/pf_divergence.hpp"

#include "core/denoisers/denoiser.hpp"
#include "core/denoisers/learned_jacobian.hpp"
#include "core/denoisers/posterior.hpp"
#include "core/errors.hpp"
#include "core/parameterisation.hpp"

#include <fmt/format.h>

namespace dfs {

namespace {
/// Up to this dimension the posterior's covariance is formed whole (D in double with it; the
/// ideal denoiser's own kernel runs in single precision).
constexpr int kSmallDim = 16;
} // namespace

PfOdeDivergence::PfOdeDivergence(const Denoiser& model, const Schedule& schedule, bool single)
    : m_model(model), m_schedule(schedule), m_dim(model.dim()) {
    if (const auto* learned = dynamic_cast<const LearnedDenoiser*>(&model)) {
        m_learned = std::make_unique<LearnedJacobian>(*learned, single);
        m_single = single;
        return;
    }
    // The exact and ideal denoisers have a closed-form posterior; probe at a mid level.
    if (!exactPosterior(model, schedule.at(0.5)))
        throw UsageError(fmt::format(
            "the exact likelihood needs tr dD/dx in closed form or through an MLP; the '{}' "
            "denoiser has neither (use exact, ideal or a learned MLP)",
            model.name()));
}

PfOdeDivergence::~PfOdeDivergence() = default;

std::string PfOdeDivergence::method() const {
    if (m_learned && m_single) return "exact trace by forward mode through the MLP (float)";
    return m_learned ? "exact trace by forward mode through the MLP"
                     : "closed-form trace (alpha/sigma^2) tr Cov[x0|x_t]";
}

void PfOdeDivergence::denoiseWithTrace(const Matrix& x, const NoiseLevel& level, Matrix& d,
                                       Vector& trace) const {
    const Index n = x.rows();
    trace.resize(n);
    if (m_learned) {
        Matrix jac;
        m_learned->evaluate(x, level, d, jac);
        for (Index r = 0; r < n; ++r) {
            double tr = 0;
            for (int c = 0; c < m_dim; ++c) tr += jac(r, c * m_dim + c);
            trace[r] = tr;
        }
        return;
    }
    d.resize(n, m_dim);
    const auto post = exactPosterior(m_model, level);
    const double k = level.alpha / (level.sigma * level.sigma);
    if (m_dim <= kSmallDim) { // D and tr Cov both from the double-precision posterior
        for (Index r = 0; r < n; ++r) {
            const Posterior p = post->at(x.row(r).transpose());
            d.row(r) = p.mean.transpose();
            trace[r] = k * p.cov.trace();
        }
        return;
    }
    m_model.denoiseRows(x, level, d, 0, n); // images: no d x d covariance
    for (Index r = 0; r < n; ++r) trace[r] = k * post->traceCov(x.row(r).transpose());
}

void PfOdeDivergence::evaluate(const Matrix& x, double t, Matrix& u, Vector& div) const {
    const NoiseLevel l = m_schedule.at(t);
    if (!(l.sigma > 0))
        throw UsageError(fmt::format("the PF-ODE divergence needs sigma > 0 (t = {})", t));
    Matrix d;
    Vector trace;
    denoiseWithTrace(x, l, d, trace);
    const PredictionCoefficients c = fromX0Coefficients(Prediction::Velocity, l);
    u = c.x * x + c.x0 * d;
    div = (double(m_dim) * c.x + c.x0 * trace.array()).matrix();
}

} // namespace dfs
