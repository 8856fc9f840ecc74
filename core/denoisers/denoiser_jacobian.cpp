// The denoiser's input Jacobian: the posterior covariance scaled by alpha / sigma^2 for the
// exact and ideal denoisers (diffusion-math.md Sections 1.6 and 4.1), central differences else.
#include "core/denoisers/denoiser_jacobian.hpp"

#include "core/denoisers/denoiser.hpp"
#include "core/denoisers/ideal_denoiser.hpp"
#include "core/denoisers/posterior.hpp"
#include "core/denoisers/split_denoiser.hpp"
#include "core/errors.hpp"

#include <fmt/format.h>

namespace dfs {

namespace {

void requireDim(const Denoiser& model, const Vector& x) {
    if (x.size() != model.dim())
        throw UsageError(fmt::format("denoiser Jacobian: x has {} coordinates; the model '{}' "
                                     "has dimension {}",
                                     x.size(), model.name(), model.dim()));
}

/// Cov[x0 | x_t = x] of the ideal denoiser, sum_i w_i (y_i - m)(y_i - m)^T, straight from its
/// weights: no copy of the training set per call (the unrolled sampler asks at every step).
Matrix idealCov(const IdealDenoiser& ideal, const Vector& x, const NoiseLevel& level) {
    const Vector w = ideal.posteriorWeights(x, level);
    const Matrix& y = ideal.train();
    const Index d = y.cols();
    const Vector m = y.transpose() * w;
    Matrix cov = Matrix::Zero(d, d);
    for (Index i = 0; i < y.rows(); ++i) {
        if (w[i] == 0) continue;
        for (Index k = 0; k < d; ++k)
            for (Index l = 0; l <= k; ++l) cov(k, l) += w[i] * (y(i, k) - m[k]) * (y(i, l) - m[l]);
    }
    for (Index k = 0; k < d; ++k)
        for (Index l = 0; l < k; ++l) cov(l, k) = cov(k, l);
    return cov;
}

} // namespace

std::optional<Matrix> denoiserJacobian(const Denoiser& model, const Vector& x,
                                       const NoiseLevel& level) {
    requireDim(model, x);
    if (const auto* split = dynamic_cast<const SplitDenoiser*>(&model)) // the level's network
        return denoiserJacobian(split->at(level), x, level);
    const double scale = level.alpha / (level.sigma * level.sigma);
    if (const auto* ideal = dynamic_cast<const IdealDenoiser*>(&model); ideal && level.sigma > 0)
        return Matrix(scale * idealCov(*ideal, x, level));
    const auto post = exactPosterior(model, level); // UsageError for sigma <= 0
    if (!post) return std::nullopt;
    // d/dx E[x0 | x] = Cov[x0, d/dx log p(x | x0)] = Cov[x0, alpha x0 / sigma^2].
    return Matrix(scale * post->at(x).cov);
}

Matrix denoiserJacobianFd(const Denoiser& model, const Vector& x, const NoiseLevel& level,
                          double h) {
    requireDim(model, x);
    const Index d = x.size();
    Matrix probes(2 * d, d);
    for (Index j = 0; j < d; ++j) {
        probes.row(2 * j) = x.transpose();
        probes.row(2 * j + 1) = x.transpose();
        probes(2 * j, j) += h;
        probes(2 * j + 1, j) -= h;
    }
    Matrix out(2 * d, d);
    model.denoiseRows(probes, level, out, 0, 2 * d);
    Matrix jac(d, d);
    for (Index j = 0; j < d; ++j)
        jac.col(j) = (out.row(2 * j) - out.row(2 * j + 1)).transpose() / (2 * h);
    return jac;
}

} // namespace dfs
