// The probability-flow ODE's velocity and its exact divergence, for the likelihood
// (diffusion-math.md 1.5, 2.2 and 3.8; Song et al. 2021, App. D.2). With x = alpha x0 + sigma eps:
//   u(x, t)   = alpha' D + sigma' eps_hat = (sigma'/sigma) x + (alpha' - sigma' alpha/sigma) D(x)
//   div u     = d sigma'/sigma + (alpha' - sigma' alpha/sigma) tr J_D
// tr J_D is exact: for the exact GMM and the ideal denoiser (alpha/sigma^2) tr Cov[x0 | x_t]
// (diffusion-math.md 4.1: grad D = (alpha/sigma^2) Cov), for the learned MLP by forward mode
// (core/denoisers/learned_jacobian.hpp). Other denoisers are refused.
#pragma once

#include "core/schedules/schedule.hpp"
#include "core/types.hpp"

#include <memory>
#include <string>

namespace dfs {

class Denoiser;
class LearnedJacobian;

class PfOdeDivergence {
public:
    /// Throws UsageError naming the denoiser where tr J_D has no exact form here. single: a
    /// learned MLP in float on the MLP kernels (LearnedJacobian), else double.
    PfOdeDivergence(const Denoiser& model, const Schedule& schedule, bool single = false);
    ~PfOdeDivergence();
    int dim() const { return m_dim; }
    /// How tr J_D is computed, for captions and reports.
    std::string method() const;

    /// For every row of x at time t (sigma(t) > 0): the velocity into u (n x dim) and div u
    /// into div (n). Thread-safe.
    void evaluate(const Matrix& x, double t, Matrix& u, Vector& div) const;
    /// tr J_D alone, with D, at a level (for tests against finite differences).
    void denoiseWithTrace(const Matrix& x, const NoiseLevel& level, Matrix& d, Vector& trace) const;

private:
    const Denoiser& m_model;
    const Schedule& m_schedule;
    std::unique_ptr<LearnedJacobian> m_learned; ///< set for the learned MLP
    int m_dim;
    bool m_single = false;
};

} // namespace dfs
