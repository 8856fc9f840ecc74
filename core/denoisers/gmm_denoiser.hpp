// The exact denoiser, score and density of a Gaussian mixture under any schedule
// (diffusion-math.md Section 4.1): p_t = sum_k pi_k N(alpha mu_k, alpha^2 Sigma_k + sigma^2 I).
#pragma once

#include "core/datasets/point_set.hpp"
#include "core/denoisers/denoiser.hpp"

#include <vector>

namespace dfs {

class GmmDenoiser final : public Denoiser {
public:
    static constexpr int kMaxDim = 16;
    /// Throws UsageError if the mixture is empty, its parts disagree in size, or dim > kMaxDim.
    explicit GmmDenoiser(GmmParams params);
    std::string name() const override { return "exact"; }
    int dim() const override { return m_params.dim(); }
    void denoiseRows(const Matrix& x, const NoiseLevel& level, Matrix& out, Index begin,
                     Index end) const override;
    bool hasLogDensity() const override { return true; }
    void logDensityRows(const Matrix& x, const NoiseLevel& level, Vector& out, Index begin,
                        Index end) const override;

    /// Score s(x) = sum_k w_k(x) g_k(x), g_k = -C_k^{-1}(x - m_k), computed directly from the
    /// mixture (not through Tweedie), so tests can check the two against each other.
    Matrix score(const Matrix& x, const NoiseLevel& level) const;
    /// Posterior responsibilities w_k(x) of the components for one point.
    Vector responsibilities(const Vector& x, const NoiseLevel& level) const;
    const GmmParams& params() const { return m_params; }
    /// The marginal components at a level, one record of 1 + 2d + 2d^2 numbers per component:
    /// log-normaliser, m_k, mu_k, C_k^{-1} (row-major), alpha Sigma_k C_k^{-1} (row-major).
    /// The GPU kernel (shaders/gmm_denoise.comp) evaluates D from this table.
    std::vector<double> packedMarginals(const NoiseLevel& level) const;

private:
    struct Marginal; // per-component m_k, C_k^{-1}, log-normaliser, alpha Sigma_k C_k^{-1}
    std::vector<Marginal> marginals(const NoiseLevel& level) const;
    /// Log-densities of every component at row `row` of x; returns their log-sum-exp.
    static double componentLogits(const std::vector<Marginal>& ms, const Matrix& x, Index row,
                                  std::vector<double>& logit);
    GmmParams m_params;
};

} // namespace dfs
