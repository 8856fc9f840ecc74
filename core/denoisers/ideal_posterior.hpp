// The posterior p(x0 | x_t = x) of the ideal denoiser of a finite training set {y_i}
// (diffusion-math.md Sections 1.8 and 4.2): a discrete distribution over the training points,
//   w_i(x) = softmax_i(-||x - alpha y_i||^2 / (2 sigma^2)),  D*(x) = sum_i w_i y_i,
//   Cov[x0 | x_t] = sum_i w_i y_i y_i^T - D* D*^T.
#pragma once

#include "core/denoisers/posterior.hpp"

namespace dfs {

class IdealPosterior final : public ExactPosterior {
public:
    /// The posterior at `level` (sigma > 0) over the rows of `train` (copied).
    IdealPosterior(const Matrix& train, const NoiseLevel& level);
    int dim() const override { return int(m_train.cols()); }
    Posterior at(const Vector& x) const override;
    Vector weightsAt(const Vector& x) const override { return weights(x); }
    double traceCov(const Vector& x) const override;
    /// Draws training points by their weights.
    Matrix draw(const Vector& x, Index k, std::uint64_t seed, std::uint32_t stream) const override;
    Vector weights(const Vector& x) const;

private:
    Matrix m_train;
    NoiseLevel m_level;
};

} // namespace dfs
