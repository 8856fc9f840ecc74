// PF-ODE velocity and exact divergence (see pf_divergence.hpp).
#include "core/samplers/pf_divergence.hpp"

#include "core/denoisers/denoiser.hpp"
#include "core/denoisers/learned_jacobian.hpp"
#include "core/denoisers/learned_vjp.hpp"
#include "core/denoisers/posterior.hpp"
#include "core/errors.hpp"
#include "core/parameterisation.hpp"

#include <fmt/format.h>

namespace dfs {

namespace {
/// Up to this dimension the posterior's covariance is formed whole (D in double with it; the
/// ideal denoiser's own kernel runs in single precision).
constexpr int kSmallDim = 16;
/// Probes on the exact and ideal denoisers form Cov[x0 | x_t] whole (d x d per point): up to
/// this dimension. Beyond it their exact trace is cheaper and exact.
constexpr int kProbeCovDim = 256;
} // namespace

PfOdeDivergence::PfOdeDivergence(const Denoiser& model, const Schedule& schedule, bool single,
                                 Matrix probes)
    : m_model(model), m_schedule(schedule), m_probes(std::move(probes)), m_dim(model.dim()) {
    if (m_probes.rows() && m_probes.cols() != m_dim)
        throw UsageError(fmt::format("the probes have {} entries and the model {} dimensions",
                                     m_probes.cols(), m_dim));
    if (const auto* learned = dynamic_cast<const LearnedDenoiser*>(&model)) {
        if (!learned->model().net.mlp()) {
            if (!m_probes.rows())
                throw UsageError(
                    "a U-Net has no exact trace of dD/dx here: the likelihood on "
                    "images uses Hutchinson's estimator (give it K probes, e.g. --probes 4; "
                    "sample: --log-likelihood-probes 4)");
            m_unet = std::make_unique<LearnedVjp>(*learned);
            return;
        }
        m_learned = std::make_unique<LearnedJacobian>(*learned, single);
        m_single = single;
        return;
    }
    if (m_probes.rows() && m_dim > kProbeCovDim)
        throw UsageError(fmt::format("--probes on the {} denoiser forms Cov[x0|x_t] whole, up to "
                                     "{} dimensions (this data has {}); its exact trace needs no "
                                     "probes",
                                     model.name(), kProbeCovDim, m_dim));
    // The exact and ideal denoisers have a closed-form posterior; probe at a mid level.
    if (!exactPosterior(model, schedule.at(0.5)))
        throw UsageError(fmt::format(
            "the exact likelihood needs tr dD/dx in closed form or through an MLP; the '{}' "
            "denoiser has neither (use exact, ideal or a learned MLP)",
            model.name()));
}

PfOdeDivergence::~PfOdeDivergence() = default;

std::string PfOdeDivergence::method() const {
    if (m_probes.rows())
        return fmt::format("Hutchinson's estimate of the trace, {} fixed Rademacher probe{}, "
                           "v^T J v by {}",
                           m_probes.rows(), m_probes.rows() == 1 ? "" : "s",
                           m_unet      ? "reverse mode through the U-Net"
                           : m_learned ? "the MLP's forward-mode Jacobian"
                                       : "the closed-form (alpha/sigma^2) Cov[x0|x_t]");
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

void PfOdeDivergence::denoiseWithProbes(const Matrix& x, const NoiseLevel& level, Matrix& d,
                                        Matrix& terms) const {
    if (m_unet) return m_unet->evaluate(x, level, m_probes, d, terms);
    const Index n = x.rows(), k = m_probes.rows();
    terms.resize(n, k);
    if (m_learned) {
        Matrix jac;
        m_learned->evaluate(x, level, d, jac); // J(r, i * dim + c) = dD_i/dx_c
        for (Index r = 0; r < n; ++r)
            for (Index p = 0; p < k; ++p) {
                double vjv = 0;
                for (int i = 0; i < m_dim; ++i)
                    for (int c = 0; c < m_dim; ++c)
                        vjv += m_probes(p, i) * jac(r, i * m_dim + c) * m_probes(p, c);
                terms(r, p) = vjv;
            }
        return;
    }
    d.resize(n, m_dim);
    const auto post = exactPosterior(m_model, level);
    const double a = level.alpha / (level.sigma * level.sigma);
    for (Index r = 0; r < n; ++r) {
        const Posterior p = post->at(x.row(r).transpose());
        d.row(r) = p.mean.transpose();
        terms.row(r) = a * (m_probes * p.cov).cwiseProduct(m_probes).rowwise().sum().transpose();
    }
}

void PfOdeDivergence::evaluate(const Matrix& x, double t, Matrix& u, Matrix& div) const {
    const NoiseLevel l = m_schedule.at(t);
    if (!(l.sigma > 0))
        throw UsageError(fmt::format("the PF-ODE divergence needs sigma > 0 (t = {})", t));
    Matrix d, terms; // terms: tr J_D (one column) or v_k^T J_D v_k (one per probe)
    if (m_probes.rows()) {
        denoiseWithProbes(x, l, d, terms);
    } else {
        Vector trace;
        denoiseWithTrace(x, l, d, trace);
        terms = trace;
    }
    const PredictionCoefficients c = fromX0Coefficients(Prediction::Velocity, l);
    u = c.x * x + c.x0 * d;
    div = (double(m_dim) * c.x + c.x0 * terms.array()).matrix();
}

} // namespace dfs
