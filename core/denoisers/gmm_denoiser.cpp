// Exact Gaussian-mixture denoiser, score and log-density (diffusion-math.md Section 4.1).
#include "core/denoisers/gmm_denoiser.hpp"

#include "core/errors.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <numbers>

namespace dfs {

// Fixed-capacity Eigen types: no heap allocation in the per-point loops.
using SmallVec = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, GmmDenoiser::kMaxDim, 1>;
using SmallMat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, GmmDenoiser::kMaxDim,
                               GmmDenoiser::kMaxDim>;

struct GmmDenoiser::Marginal {
    SmallVec mu;        ///< mu_k
    SmallVec mean;      ///< m_k = alpha mu_k
    SmallMat precision; ///< C_k^{-1}, C_k = alpha^2 Sigma_k + sigma^2 I
    SmallMat gain;      ///< alpha Sigma_k C_k^{-1}
    double logNorm;     ///< log pi_k - (log det C_k + d log 2 pi) / 2
};

GmmDenoiser::GmmDenoiser(GmmParams params) : m_params(std::move(params)) {
    const auto k = m_params.weights.size();
    if (k == 0 || m_params.means.size() != k || m_params.covs.size() != k)
        throw UsageError("the exact denoiser needs a Gaussian mixture with matching parts");
    if (dim() > kMaxDim)
        throw UsageError(fmt::format("the exact denoiser supports up to {} dimensions", kMaxDim));
}

std::vector<GmmDenoiser::Marginal> GmmDenoiser::marginals(const NoiseLevel& l) const {
    const int d = dim();
    std::vector<Marginal> out;
    out.reserve(m_params.weights.size());
    for (std::size_t k = 0; k < m_params.weights.size(); ++k) {
        const SmallMat cov = m_params.covs[k];
        const SmallMat c = l.alpha * l.alpha * cov + l.sigma * l.sigma * SmallMat::Identity(d, d);
        const Eigen::LLT<SmallMat> llt(c);
        const SmallMat prec = llt.solve(SmallMat::Identity(d, d));
        const double logDet = 2.0 * llt.matrixLLT().diagonal().array().log().sum();
        const SmallVec mu = m_params.means[k];
        out.push_back(
            {mu, l.alpha * mu, prec, l.alpha * cov * prec,
             std::log(m_params.weights[k]) - 0.5 * (logDet + d * std::log(2 * std::numbers::pi))});
    }
    return out;
}

double GmmDenoiser::componentLogits(const std::vector<Marginal>& ms, const Matrix& x, Index row,
                                    std::vector<double>& logit) {
    double best = -std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < ms.size(); ++k) {
        const SmallVec r = x.row(row).transpose() - ms[k].mean;
        logit[k] = ms[k].logNorm - 0.5 * r.dot(ms[k].precision * r);
        best = std::max(best, logit[k]);
    }
    double sum = 0;
    for (double v : logit) sum += std::exp(v - best);
    return best + std::log(sum);
}

namespace {

/// The 2-D case with fixed-size types (what every built-in mixture is): the same formulas as
/// denoiseRows, unrolled by the compiler.
void denoise2d(const std::vector<double>& table, std::size_t k, const Matrix& x, Matrix& out,
               Index begin, Index end) {
    constexpr std::size_t stride = 1 + 2 * 2 + 2 * 4;
    std::vector<double> logit(k);
    for (Index i = begin; i < end; ++i) {
        const double x0 = x(i, 0), x1 = x(i, 1);
        double best = -std::numeric_limits<double>::infinity();
        for (std::size_t c = 0; c < k; ++c) {
            const double* m = table.data() + c * stride;
            const double r0 = x0 - m[1], r1 = x1 - m[2];
            const double* p = m + 5; // C^{-1}, row-major
            logit[c] = m[0] - 0.5 * (r0 * (p[0] * r0 + p[1] * r1) + r1 * (p[2] * r0 + p[3] * r1));
            best = std::max(best, logit[c]);
        }
        double total = 0, d0 = 0, d1 = 0;
        for (std::size_t c = 0; c < k; ++c) {
            const double* m = table.data() + c * stride;
            const double w = std::exp(logit[c] - best);
            const double r0 = x0 - m[1], r1 = x1 - m[2];
            const double* g = m + 9; // alpha Sigma C^{-1}, row-major
            total += w;
            d0 += w * (m[3] + g[0] * r0 + g[1] * r1);
            d1 += w * (m[4] + g[2] * r0 + g[3] * r1);
        }
        out(i, 0) = d0 / total;
        out(i, 1) = d1 / total;
    }
}

} // namespace

void GmmDenoiser::denoiseRows(const Matrix& x, const NoiseLevel& level, Matrix& out, Index begin,
                              Index end) const {
    if (dim() == 2)
        return denoise2d(packedMarginals(level), m_params.weights.size(), x, out, begin, end);
    const auto ms = marginals(level);
    std::vector<double> logit(ms.size());
    for (Index i = begin; i < end; ++i) {
        const double lse = componentLogits(ms, x, i, logit);
        SmallVec d = SmallVec::Zero(dim());
        for (std::size_t k = 0; k < ms.size(); ++k) {
            const double w = std::exp(logit[k] - lse);
            // posterior mean of component k: mu_k + alpha Sigma_k C_k^{-1} (x - m_k)
            const SmallVec r = x.row(i).transpose() - ms[k].mean;
            d += w * (ms[k].mu + ms[k].gain * r);
        }
        out.row(i) = d.transpose();
    }
}

void GmmDenoiser::logDensityRows(const Matrix& x, const NoiseLevel& level, Vector& out, Index begin,
                                 Index end) const {
    const auto ms = marginals(level);
    std::vector<double> logit(ms.size());
    for (Index i = begin; i < end; ++i) out[i] = componentLogits(ms, x, i, logit);
}

Matrix GmmDenoiser::score(const Matrix& x, const NoiseLevel& level) const {
    const auto ms = marginals(level);
    std::vector<double> logit(ms.size());
    Matrix s(x.rows(), x.cols());
    for (Index i = 0; i < x.rows(); ++i) {
        const double lse = componentLogits(ms, x, i, logit);
        SmallVec si = SmallVec::Zero(dim());
        for (std::size_t k = 0; k < ms.size(); ++k) {
            const SmallVec r = x.row(i).transpose() - ms[k].mean;
            si -= std::exp(logit[k] - lse) * (ms[k].precision * r);
        }
        s.row(i) = si.transpose();
    }
    return s;
}

Vector GmmDenoiser::responsibilities(const Vector& x, const NoiseLevel& level) const {
    const auto ms = marginals(level);
    std::vector<double> logit(ms.size());
    const Matrix row = x.transpose();
    const double lse = componentLogits(ms, row, 0, logit);
    Vector w(Index(ms.size()));
    for (std::size_t k = 0; k < ms.size(); ++k) w[Index(k)] = std::exp(logit[k] - lse);
    return w;
}

std::vector<double> GmmDenoiser::packedMarginals(const NoiseLevel& level) const {
    const int d = dim();
    std::vector<double> out;
    for (const Marginal& m : marginals(level)) {
        out.push_back(m.logNorm);
        for (int i = 0; i < d; ++i) out.push_back(m.mean[i]);
        for (int i = 0; i < d; ++i) out.push_back(m.mu[i]);
        for (int i = 0; i < d; ++i)
            for (int j = 0; j < d; ++j) out.push_back(m.precision(i, j));
        for (int i = 0; i < d; ++i)
            for (int j = 0; j < d; ++j) out.push_back(m.gain(i, j));
    }
    return out;
}

} // namespace dfs
