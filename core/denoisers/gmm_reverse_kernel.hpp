// The exact reverse kernel q(x_s | x_t) of Gaussian-mixture data, and the forward posterior
// q(x_s | x_t, x0) that a Gaussian reverse step p_theta(x_s | x_t) = q(x_s | x_t, x0 = D(x_t))
// uses (the latent-variable perspective: diffusion-math.md Sections 1.2 and 4.4; Ho et al. 2020,
// eqs. 6-7, in the general alpha/sigma form of Kingma et al. 2021, appendix A).
// For s < t: q(x_t | x_s) = N(a x_s, b I), a = alpha_t / alpha_s, b = sigma_t^2 - a^2 sigma_s^2,
// and p_s = sum_k pi_k N(m_k, C_k), m_k = alpha_s mu_k, C_k = alpha_s^2 Sigma_k + sigma_s^2 I:
//   q(x_s | x_t) = sum_k w_k N(m'_k, C'_k),  w_k ∝ pi_k N(x_t; a m_k, a^2 C_k + b I),
//   m'_k = m_k + a C_k G_k (x_t - a m_k),  C'_k = C_k - a^2 C_k G_k C_k,  G_k = (a^2 C_k + b
//   I)^{-1}
// (Section 4.4's (C_k^{-1} + (a^2/b) I)^{-1} written so that a point mass, C_k = 0, is allowed).
#pragma once

#include "core/schedules/schedule.hpp"
#include "core/types.hpp"

#include <vector>

namespace dfs {

struct GmmParams;

/// A Gaussian mixture over x_s.
struct ReverseKernel {
    std::vector<double> weights; ///< w_k, summing to 1
    std::vector<Vector> means;   ///< m'_k
    std::vector<Matrix> covs;    ///< C'_k
    /// Mixture mean sum_k w_k m'_k and covariance sum_k w_k (C'_k + m'_k m'_k^T) - mean mean^T.
    Vector mean() const;
    Matrix cov() const;
    /// log q(x_s | x_t) at each row of x (components below 1e-15 of the largest weight skipped);
    /// requires every other C'_k to be positive definite.
    Vector logDensity(const Matrix& x) const;
};

/// q(x_s | x_t) for data p_0 = `gmm`, at levels s and t (s.t < t.t). UsageError when the SNR does
/// not fall from s to t or the sizes disagree.
ReverseKernel gmmReverseKernel(const GmmParams& gmm, const NoiseLevel& s, const NoiseLevel& t,
                               const Vector& xt);

/// q(x_s | x_t, x0) = N(c0 x0 + ct x_t, var I): c0 = alpha_s b / sigma_t^2,
/// ct = a sigma_s^2 / sigma_t^2, var = b sigma_s^2 / sigma_t^2 (a, b as above).
struct ForwardPosterior {
    double c0 = 0, ct = 0, var = 0;
};
ForwardPosterior forwardPosterior(const NoiseLevel& s, const NoiseLevel& t);

} // namespace dfs
