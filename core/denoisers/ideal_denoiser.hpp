// The ideal denoiser of a finite training set {y_i}: the exact E[x0 | x_t] when the data
// distribution is the empirical one (diffusion-math.md Section 4.2; Karras et al. 2022, App. B.3):
//   w_i(x) = softmax_i(-||x - alpha y_i||^2 / (2 sigma^2)),   D(x) = sum_i w_i y_i.
// Any sampler driven by it ends on training points: it is what a model that memorises does.
#pragma once

#include "core/denoisers/denoiser.hpp"

#include <vector>

namespace dfs {

class IdealDenoiser final : public Denoiser {
public:
    /// Throws UsageError for an empty training set.
    explicit IdealDenoiser(const Matrix& train);
    std::string name() const override { return "ideal"; }
    int dim() const override { return int(m_train.cols()); }
    /// Fused single-precision kernel (core/denoisers/ideal_kernel.hpp).
    void denoiseRows(const Matrix& x, const NoiseLevel& level, Matrix& out, Index begin,
                     Index end) const override;
    bool hasLogDensity() const override { return true; }
    /// log p_t(x) = logsumexp_i(-||x - alpha y_i||^2 / (2 sigma^2)) - log N - d/2 log(2 pi
    /// sigma^2), in double precision.
    void logDensityRows(const Matrix& x, const NoiseLevel& level, Vector& out, Index begin,
                        Index end) const override;

    /// Posterior weights p(x0 = y_i | x_t = x) over the training points, in double precision.
    Vector posteriorWeights(const Vector& x, const NoiseLevel& level) const;
    const Matrix& train() const { return m_train; }

private:
    Matrix m_train;
    Eigen::MatrixXd m_trainColumns; // column-major double copy for log p and the weights
    std::vector<float> m_columns;   // dimension-major float copy for the kernel
};

/// Effective number of training points behind a posterior: 1 / sum w_i^2.
double effectiveCount(const Vector& weights);

} // namespace dfs
