// The exact posterior p(x0 | x_t = x) of Gaussian-mixture data (diffusion-math.md Section 4.1):
// a mixture of the components' posterior Gaussians,
//   x0 | x_t, k ~ N(m0_k, Cov_k),  m0_k = mu_k + alpha Sigma_k C_k^{-1} (x - alpha mu_k),
//   Cov_k = Sigma_k - alpha^2 Sigma_k C_k^{-1} Sigma_k,  C_k = alpha^2 Sigma_k + sigma^2 I,
// weighted by the responsibilities w_k(x); Cov[x0|x_t] = sum_k w_k (Cov_k + m0_k m0_k^T) - D D^T.
#pragma once

#include "core/datasets/point_set.hpp"
#include "core/denoisers/posterior.hpp"

#include <vector>

namespace dfs {

class GmmPosterior final : public ExactPosterior {
public:
    /// The posterior at `level` (sigma > 0) of the mixture `gmm`.
    GmmPosterior(const GmmParams& gmm, const NoiseLevel& level);
    int dim() const override { return m_dim; }
    Posterior at(const Vector& x) const override;
    Vector weightsAt(const Vector& x) const override { return responsibilities(x); }
    double traceCov(const Vector& x) const override;
    /// Draws a component by w_k, then x0 from its posterior Gaussian.
    Matrix draw(const Vector& x, Index k, std::uint64_t seed, std::uint32_t stream) const override;
    /// Responsibilities w_k(x) (log-sum-exp of the marginal component densities).
    Vector responsibilities(const Vector& x) const;

private:
    struct Component {
        Vector mu, mean;  ///< mu_k, m_k = alpha mu_k
        Matrix precision; ///< C_k^{-1}
        Matrix gain;      ///< alpha Sigma_k C_k^{-1}
        Matrix cov;       ///< Cov_k (independent of x)
        Matrix root;      ///< A_k with A_k A_k^T = Cov_k, for draws
        double logNorm;   ///< log pi_k - (log det C_k + d log 2 pi) / 2
    };
    Vector componentMean(const Component& c, const Vector& x) const;
    std::vector<Component> m_components;
    int m_dim;
};

} // namespace dfs
