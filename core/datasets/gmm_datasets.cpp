// Gaussian-mixture datasets: parameters of gmm8 / gmm25 and Philox sampling of a mixture.
#include "core/datasets/gmm_datasets.hpp"

#include "core/datasets/dataset_random.hpp"
#include "core/errors.hpp"

#include <Eigen/Eigenvalues>
#include <fmt/format.h>

#include <cmath>
#include <numbers>

namespace dfs {

namespace {

void checkGmm(const GmmParams& gmm) {
    const int k = gmm.size();
    if (k == 0 || int(gmm.means.size()) != k || int(gmm.covs.size()) != k)
        throw UsageError("mixture: weights, means and covariances must be non-empty and match");
    if (gmm.dim() < 1) throw UsageError("mixture: the means have no coordinates");
    double total = 0.0;
    for (int c = 0; c < k; ++c) {
        if (!(gmm.weights[c] >= 0.0) || !std::isfinite(gmm.weights[c]))
            throw UsageError(fmt::format("mixture: weight {} is not a finite number >= 0", c));
        if (gmm.means[c].size() != gmm.dim() || gmm.covs[c].rows() != gmm.dim() ||
            gmm.covs[c].cols() != gmm.dim())
            throw UsageError(fmt::format("mixture: component {} has the wrong dimension", c));
        total += gmm.weights[c];
    }
    if (!(total > 0.0)) throw UsageError("mixture: the weights sum to zero");
}

/// A with A A^T = cov, from the eigendecomposition (works for semi-definite covariances).
Matrix covarianceFactor(const Matrix& cov) {
    const Eigen::MatrixXd sym = 0.5 * (cov + cov.transpose());
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(sym);
    const Eigen::VectorXd root = eig.eigenvalues().cwiseMax(0.0).cwiseSqrt();
    return eig.eigenvectors() * root.asDiagonal();
}

} // namespace

GmmParams isotropicGmm(const std::vector<Vector>& means, double stddev) {
    if (means.empty()) throw UsageError("mixture: no means");
    if (!std::isfinite(stddev) || stddev < 0.0)
        throw UsageError(fmt::format("mixture: standard deviation {} is not >= 0", stddev));
    GmmParams gmm;
    const auto d = means.front().size();
    for (const Vector& m : means) {
        gmm.weights.push_back(1.0 / double(means.size()));
        gmm.means.push_back(m);
        gmm.covs.push_back(Matrix::Identity(d, d) * (stddev * stddev));
    }
    return gmm;
}

PointSet sampleGmm(const GmmParams& gmm, Index n, std::uint64_t seed, const std::string& name) {
    datasets::checkArgs(n, 0.0);
    checkGmm(gmm);
    const int k = gmm.size();
    const int d = gmm.dim();
    std::vector<double> cumulative(std::size_t(k), 0.0);
    double total = 0.0;
    for (int c = 0; c < k; ++c) cumulative[std::size_t(c)] = (total += gmm.weights[std::size_t(c)]);
    std::vector<Matrix> factors;
    for (const Matrix& cov : gmm.covs) factors.push_back(covarianceFactor(cov));

    PointSet set;
    set.name = name;
    set.points.resize(n, d);
    set.labels.resize(std::size_t(n));
    Vector z(d);
    for (Index i = 0; i < n; ++i) {
        const double u = datasets::uniforms(seed, i)[0] * total;
        int c = 0;
        while (c < k - 1 && (cumulative[std::size_t(c)] <= u || gmm.weights[std::size_t(c)] == 0))
            ++c;
        for (int b = 0; 4 * b < d; ++b) {
            const auto z4 = datasets::normals(seed, i, std::uint32_t(b));
            for (int j = 4 * b; j < std::min(d, 4 * b + 4); ++j) z[j] = z4[std::size_t(j - 4 * b)];
        }
        set.points.row(i) = (gmm.means[std::size_t(c)] + factors[std::size_t(c)] * z).transpose();
        set.labels[std::size_t(i)] = c;
    }
    set.gmm = gmm;
    return set;
}

PointSet makeGmm8(Index n, double stddev, std::uint64_t seed) {
    datasets::checkArgs(n, stddev);
    std::vector<Vector> means;
    for (int k = 0; k < 8; ++k) {
        const double a = 2.0 * std::numbers::pi * k / 8.0;
        means.push_back(Vector{{kGmm8Radius * std::cos(a), kGmm8Radius * std::sin(a)}});
    }
    return sampleGmm(isotropicGmm(means, stddev), n, seed, "gmm8");
}

PointSet makeGmm25(Index n, double stddev, std::uint64_t seed) {
    datasets::checkArgs(n, stddev);
    std::vector<Vector> means;
    for (int iy = -2; iy <= 2; ++iy)
        for (int ix = -2; ix <= 2; ++ix)
            means.push_back(Vector{{kGmm25Spacing * ix, kGmm25Spacing * iy}});
    return sampleGmm(isotropicGmm(means, stddev), n, seed, "gmm25");
}

} // namespace dfs
