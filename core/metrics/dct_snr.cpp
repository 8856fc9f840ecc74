// Orthonormal 2-D DCT-II by a direct separable product, per-coefficient SNR and reveal times.
#include "core/metrics/dct_snr.hpp"

#include "core/errors.hpp"
#include "core/schedules/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <numbers>

namespace dfs {
namespace {

using SquareMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

void checkShape(const Matrix& m, int side, const char* what, const char* rowsAre) {
    if (side < 2) throw UsageError(fmt::format("{}: image side {} is below 2", what, side));
    const Index cells = Index(side) * Index(side);
    if (m.cols() != cells)
        throw UsageError(fmt::format("{}: {} have {} columns, but side {} needs {} * {} = {}", what,
                                     rowsAre, m.cols(), side, side, side, cells));
    for (Index r = 0; r < m.rows(); ++r)
        if (!m.row(r).allFinite())
            throw DataError(fmt::format("{}: row {} has a value that is not finite", what, r));
}

/// Orthonormal DCT-II matrix B(u, j) = c_u cos(pi (2 j + 1) u / (2 n)) (Ahmed et al. 1974, eq. 1,
/// rescaled so that B B^T = I).
SquareMatrix dctMatrix(int n) {
    SquareMatrix b(n, n);
    for (int u = 0; u < n; ++u) {
        const double c = std::sqrt((u == 0 ? 1.0 : 2.0) / double(n));
        for (int j = 0; j < n; ++j)
            b(u, j) = c * std::cos(std::numbers::pi * double((2 * j + 1) * u) / (2.0 * double(n)));
    }
    return b;
}

/// Applies left * X * right to every row of `rows`, each read as a side x side row-major block.
Matrix transformEach(const Matrix& rows, int side, const SquareMatrix& left,
                     const SquareMatrix& right) {
    Matrix out(rows.rows(), rows.cols());
    for (Index r = 0; r < rows.rows(); ++r) {
        const Eigen::Map<const SquareMatrix> x(rows.row(r).data(), side, side);
        Eigen::Map<SquareMatrix> y(out.row(r).data(), side, side);
        y.noalias() = left * x * right;
    }
    return out;
}

void checkVariance(const Vector& variance, const char* what) {
    for (Index k = 0; k < variance.size(); ++k)
        if (!std::isfinite(variance(k)) || variance(k) < 0)
            throw UsageError(fmt::format("{}: variance {} of coefficient {} is not a finite value "
                                         ">= 0",
                                         what, variance(k), k));
}

} // namespace

Matrix dctCoefficients(const Matrix& images, int side) {
    checkShape(images, side, "dctCoefficients", "images");
    const SquareMatrix b = dctMatrix(side);
    return transformEach(images, side, b, b.transpose()); // C = B X B^T
}

Matrix inverseDct(const Matrix& coefficients, int side) {
    checkShape(coefficients, side, "inverseDct", "coefficient rows");
    const SquareMatrix b = dctMatrix(side);
    return transformEach(coefficients, side, b.transpose(), b); // X = B^T C B
}

Vector coefficientVariance(const Matrix& coefficients) {
    if (coefficients.rows() == 0)
        throw UsageError("coefficientVariance: no rows of coefficients to take the variance over");
    for (Index r = 0; r < coefficients.rows(); ++r)
        if (!coefficients.row(r).allFinite())
            throw DataError(
                fmt::format("coefficientVariance: row {} has a value that is not finite", r));
    const Eigen::RowVectorXd mean = coefficients.colwise().mean();
    return (coefficients.rowwise() - mean).colwise().squaredNorm().transpose() /
           double(coefficients.rows());
}

Vector coefficientSnr(const Vector& variance, const Schedule& schedule, double t) {
    if (!(t >= 0 && t <= 1))
        throw UsageError(fmt::format("coefficientSnr: time {} is outside [0, 1]", t));
    checkVariance(variance, "coefficientSnr");
    const double alpha = schedule.alpha(t), sigma = schedule.sigma(t);
    Vector snr(variance.size());
    for (Index k = 0; k < variance.size(); ++k) {
        // Kingma et al. 2021, eq. 2, SNR = alpha^2 / sigma^2, scaled by the coefficient's var_k.
        if (variance(k) == 0)
            snr(k) = 0;
        else if (sigma == 0)
            snr(k) = std::numeric_limits<double>::infinity();
        else
            snr(k) = alpha * alpha * variance(k) / (sigma * sigma);
    }
    return snr;
}

Vector revealTimes(const Vector& variance, const Schedule& schedule) {
    checkVariance(variance, "revealTimes");
    Vector t(variance.size());
    for (Index k = 0; k < variance.size(); ++k) {
        if (variance(k) == 0) {
            t(k) = 0;
            continue;
        }
        // log SNR_k(t) = logSnr(t) + log var_k = 0  =>  t = tFromLogSnr(-log var_k).
        t(k) = std::clamp(schedule.tFromLogSnr(-std::log(variance(k))), 0.0, 1.0);
    }
    return t;
}

} // namespace dfs
