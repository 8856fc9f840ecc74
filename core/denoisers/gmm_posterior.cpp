// Exact GMM posterior (diffusion-math.md Section 4.1).
#include "core/denoisers/gmm_posterior.hpp"

#include "core/rng/philox.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace dfs {

GmmPosterior::GmmPosterior(const GmmParams& gmm, const NoiseLevel& l) : m_dim(gmm.dim()) {
    const Index d = m_dim;
    const Matrix eye = Matrix::Identity(d, d);
    for (int k = 0; k < gmm.size(); ++k) {
        const Matrix& s = gmm.covs[std::size_t(k)];
        const Matrix c = l.alpha * l.alpha * s + l.sigma * l.sigma * eye;
        const Eigen::LLT<Matrix> llt(c);
        Component comp;
        comp.mu = gmm.means[std::size_t(k)];
        comp.mean = l.alpha * comp.mu;
        comp.precision = llt.solve(eye);
        comp.gain = l.alpha * s * comp.precision;
        comp.cov = s - l.alpha * comp.gain * s;
        comp.cov = 0.5 * (comp.cov + comp.cov.transpose()).eval();
        // A symmetric square root (eigenvalues clamped at 0: a point mass has Cov_k = 0).
        const Eigen::SelfAdjointEigenSolver<Matrix> eig(comp.cov);
        comp.root = eig.eigenvectors() * eig.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal() *
                    eig.eigenvectors().transpose();
        const double logDet = 2.0 * llt.matrixLLT().diagonal().array().log().sum();
        comp.logNorm = std::log(gmm.weights[std::size_t(k)]) -
                       0.5 * (logDet + double(d) * std::log(2 * std::numbers::pi));
        m_components.push_back(std::move(comp));
    }
}

Vector GmmPosterior::responsibilities(const Vector& x) const {
    Vector logit(Index(m_components.size()));
    for (std::size_t k = 0; k < m_components.size(); ++k) {
        const Component& c = m_components[k];
        const Vector r = x - c.mean;
        logit[Index(k)] = c.logNorm - 0.5 * r.dot(c.precision * r);
    }
    const Vector w = (logit.array() - logit.maxCoeff()).exp();
    return w / w.sum();
}

Vector GmmPosterior::componentMean(const Component& c, const Vector& x) const {
    return c.mu + c.gain * (x - c.mean);
}

Posterior GmmPosterior::at(const Vector& x) const {
    Posterior p;
    p.weights = responsibilities(x);
    p.mean = Vector::Zero(m_dim);
    p.cov = Matrix::Zero(m_dim, m_dim);
    for (std::size_t k = 0; k < m_components.size(); ++k) {
        p.componentMeans.push_back(componentMean(m_components[k], x));
        p.componentCovs.push_back(m_components[k].cov);
        p.mean += p.weights[Index(k)] * p.componentMeans.back();
    }
    // sum_k w_k (Cov_k + (m0_k - D)(m0_k - D)^T): the same as sum_k w_k (Cov_k + m0_k m0_k^T)
    // - D D^T, without its cancellation.
    for (std::size_t k = 0; k < m_components.size(); ++k) {
        const Vector r = p.componentMeans[k] - p.mean;
        p.cov += p.weights[Index(k)] * (m_components[k].cov + r * r.transpose());
    }
    return p;
}

double GmmPosterior::traceCov(const Vector& x) const {
    const Vector w = responsibilities(x);
    std::vector<Vector> means;
    Vector mean = Vector::Zero(m_dim);
    for (std::size_t k = 0; k < m_components.size(); ++k) {
        means.push_back(componentMean(m_components[k], x));
        mean += w[Index(k)] * means.back();
    }
    double tr = 0;
    for (std::size_t k = 0; k < m_components.size(); ++k)
        tr += w[Index(k)] * (m_components[k].cov.trace() + (means[k] - mean).squaredNorm());
    return tr;
}

Matrix GmmPosterior::draw(const Vector& x, Index k, std::uint64_t seed,
                          std::uint32_t stream) const {
    const Vector w = responsibilities(x);
    std::vector<double> cumulative(std::size_t(w.size()));
    double acc = 0;
    for (Index i = 0; i < w.size(); ++i) cumulative[std::size_t(i)] = acc += w[i];
    Matrix out(k, m_dim);
    Vector z(m_dim);
    for (Index j = 0; j < k; ++j) {
        const auto particle = std::uint32_t(j);
        const double u = philoxUniforms4(seed, particle, 0, stream, 0)[0] * acc;
        const auto c = std::size_t(std::min<std::ptrdiff_t>(
            std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin(),
            std::ptrdiff_t(cumulative.size()) - 1));
        for (Index b = 0; b * 4 < m_dim; ++b) {
            const auto n = philoxNormals4(seed, particle, 1, stream, std::uint32_t(b));
            for (Index i = 0; i < 4 && 4 * b + i < m_dim; ++i) z[4 * b + i] = n[std::size_t(i)];
        }
        out.row(j) = (componentMean(m_components[c], x) + m_components[c].root * z).transpose();
    }
    return out;
}

} // namespace dfs
