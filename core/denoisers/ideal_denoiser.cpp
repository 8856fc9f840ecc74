// Ideal (empirical) denoiser (diffusion-math.md Section 4.2).
#include "core/denoisers/ideal_denoiser.hpp"

#include "core/denoisers/ideal_kernel.hpp"
#include "core/errors.hpp"

#include <cmath>
#include <numbers>

namespace dfs {

IdealDenoiser::IdealDenoiser(const Matrix& train) : m_train(train), m_trainColumns(train) {
    if (train.rows() == 0 || train.cols() == 0)
        throw UsageError("the ideal denoiser needs a non-empty training set");
    const auto n = std::size_t(train.rows());
    m_columns.resize(n * std::size_t(train.cols()));
    for (Index k = 0; k < train.cols(); ++k)
        for (Index i = 0; i < train.rows(); ++i)
            m_columns[std::size_t(k) * n + std::size_t(i)] = float(train(i, k));
}

void IdealDenoiser::denoiseRows(const Matrix& x, const NoiseLevel& level, Matrix& out, Index begin,
                                Index end) const {
    const IdealKernelData data{m_columns.data(), std::size_t(m_train.rows()), dim(),
                               m_trainColumns.data()};
    std::vector<float> scratch(data.n);
    for (Index i = begin; i < end; ++i)
        idealDenoiseOne(data, x.row(i).data(), level.alpha, level.sigma, scratch.data(),
                        out.row(i).data());
}

namespace {

// -||x - alpha y_i||^2 / (2 sigma^2) for every training point, and their maximum. The training
// set is column-major (one contiguous column per coordinate), so each term is a vectorised sweep.
double logits(const Eigen::MatrixXd& trainColumns, const double* x, const NoiseLevel& l,
              Vector& out) {
    out.setZero(trainColumns.rows());
    for (Index k = 0; k < trainColumns.cols(); ++k)
        out.array() += (x[k] - l.alpha * trainColumns.col(k).array()).square();
    out *= -1.0 / (2 * l.sigma * l.sigma);
    return out.maxCoeff();
}

} // namespace

void IdealDenoiser::logDensityRows(const Matrix& x, const NoiseLevel& level, Vector& out,
                                   Index begin, Index end) const {
    Vector l;
    const double n = double(m_train.rows()), d = dim();
    for (Index i = begin; i < end; ++i) {
        const double best = logits(m_trainColumns, x.row(i).data(), level, l);
        out[i] = best + std::log((l.array() - best).exp().sum()) - std::log(n) -
                 0.5 * d * std::log(2 * std::numbers::pi * level.sigma * level.sigma);
    }
}

Vector IdealDenoiser::posteriorWeights(const Vector& x, const NoiseLevel& level) const {
    Vector l;
    const double best = logits(m_trainColumns, x.data(), level, l);
    Vector w = (l.array() - best).exp();
    return w / w.sum();
}

double effectiveCount(const Vector& weights) {
    return 1.0 / weights.squaredNorm();
}

} // namespace dfs
