// The probability-flow ODE's velocity and its exact divergence, for the likelihood
// (diffusion-math.md 1.5, 2.2 and 3.8; Song et al. 2021, App. D.2). With x = alpha x0 + sigma eps:
//   u(x, t)   = alpha' D + sigma' eps_hat = (sigma'/sigma) x + (alpha' - sigma' alpha/sigma) D(x)
//   div u     = d sigma'/sigma + (alpha' - sigma' alpha/sigma) tr J_D
// tr J_D is exact: for the exact GMM and the ideal denoiser (alpha/sigma^2) tr Cov[x0 | x_t]
// (diffusion-math.md 4.1: grad D = (alpha/sigma^2) Cov), for the learned MLP by forward mode
// (core/denoisers/learned_jacobian.hpp). Or, with probes, Hutchinson's estimate: one divergence
// per fixed probe v_k, with v_k^T J_D v_k in place of tr J_D (FFJORD eq. 7;
// core/samplers/hutchinson_trace.hpp); the U-Net, whose d x d Jacobian is out of reach for
// images, has only this (by reverse mode: core/denoisers/learned_vjp.hpp). Other denoisers are
// refused.
#pragma once

#include "core/schedules/schedule.hpp"
#include "core/types.hpp"

#include <memory>
#include <string>

namespace dfs {

class Denoiser;
class LearnedJacobian;
class LearnedVjp;

class PfOdeDivergence {
public:
    /// Throws UsageError naming the denoiser where tr J_D has no exact form here and no probes
    /// are given. single: a learned MLP in float on the MLP kernels (LearnedJacobian), else
    /// double. probes (K x dim, may be empty): Hutchinson's estimator with these fixed probes
    /// instead of the exact trace.
    PfOdeDivergence(const Denoiser& model, const Schedule& schedule, bool single = false,
                    Matrix probes = {});
    ~PfOdeDivergence();
    int dim() const { return m_dim; }
    /// Divergences per row that evaluate() writes: 1 (exact) or K (one per probe).
    Index columns() const { return m_probes.rows() ? m_probes.rows() : 1; }
    /// How tr J_D is computed, for captions and reports.
    std::string method() const;

    /// For every row of x at time t (sigma(t) > 0): the velocity into u (n x dim) and div u
    /// into div (n x columns()): the exact divergence, or its estimate with each probe.
    /// Thread-safe.
    void evaluate(const Matrix& x, double t, Matrix& u, Matrix& div) const;
    /// tr J_D alone, with D, at a level (for tests against finite differences).
    void denoiseWithTrace(const Matrix& x, const NoiseLevel& level, Matrix& d, Vector& trace) const;
    /// D and v_k^T J_D v_k (n x K) for the probes.
    void denoiseWithProbes(const Matrix& x, const NoiseLevel& level, Matrix& d,
                           Matrix& terms) const;

private:
    const Denoiser& m_model;
    const Schedule& m_schedule;
    std::unique_ptr<LearnedJacobian> m_learned; ///< set for the learned MLP
    std::unique_ptr<LearnedVjp> m_unet;         ///< set for the learned U-Net
    Matrix m_probes;                            ///< K x dim; empty: the exact trace
    int m_dim;
    bool m_single = false;
};

} // namespace dfs
