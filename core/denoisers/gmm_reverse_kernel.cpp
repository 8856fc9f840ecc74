// The exact reverse kernel of a Gaussian mixture (diffusion-math.md Section 4.4).
#include "core/denoisers/gmm_reverse_kernel.hpp"

#include "core/datasets/point_set.hpp"
#include "core/errors.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <numbers>

namespace dfs {

namespace {

/// a = alpha_t / alpha_s and b = sigma_t^2 - a^2 sigma_s^2 of q(x_t | x_s).
std::pair<double, double> transition(const NoiseLevel& s, const NoiseLevel& t) {
    if (!(s.alpha > 0) || !(t.sigma > 0))
        throw UsageError("the reverse kernel needs alpha_s > 0 and sigma_t > 0");
    const double a = t.alpha / s.alpha;
    const double b = t.sigma * t.sigma - a * a * s.sigma * s.sigma;
    if (!(b > 0))
        throw UsageError(
            fmt::format("the reverse kernel: the SNR does not fall from t = {} to {}", s.t, t.t));
    return {a, b};
}

} // namespace

ForwardPosterior forwardPosterior(const NoiseLevel& s, const NoiseLevel& t) {
    const auto [a, b] = transition(s, t);
    const double st2 = t.sigma * t.sigma, ss2 = s.sigma * s.sigma;
    return {s.alpha * b / st2, a * ss2 / st2, b * ss2 / st2};
}

ReverseKernel gmmReverseKernel(const GmmParams& g, const NoiseLevel& s, const NoiseLevel& t,
                               const Vector& xt) {
    const auto [a, b] = transition(s, t);
    const Index d = xt.size();
    if (g.dim() != d || g.size() == 0)
        throw UsageError(
            fmt::format("the reverse kernel: the mixture has {} dimensions, x_t {}", g.dim(), d));
    ReverseKernel k;
    std::vector<double> logit;
    const Matrix eye = Matrix::Identity(d, d);
    for (int c = 0; c < g.size(); ++c) {
        const Vector m = s.alpha * g.means[std::size_t(c)];
        const Matrix C = s.alpha * s.alpha * g.covs[std::size_t(c)] + s.sigma * s.sigma * eye;
        const Matrix marginal = a * a * C + b * eye; // of x_t given the component
        const Eigen::LLT<Matrix> llt(marginal);
        const Vector r = xt - a * m;
        const Matrix G = llt.solve(eye);
        const double logDet = 2 * Matrix(llt.matrixL()).diagonal().array().log().sum();
        logit.push_back(std::log(g.weights[std::size_t(c)]) - 0.5 * r.dot(G * r) - 0.5 * logDet);
        k.means.push_back(m + a * C * G * r);
        k.covs.push_back(C - a * a * C * G * C);
    }
    const double best = *std::max_element(logit.begin(), logit.end());
    double sum = 0;
    for (double& l : logit) sum += (l = std::exp(l - best));
    for (double l : logit) k.weights.push_back(l / sum);
    return k;
}

Vector ReverseKernel::mean() const {
    Vector m = Vector::Zero(means.front().size());
    for (std::size_t c = 0; c < weights.size(); ++c) m += weights[c] * means[c];
    return m;
}

Matrix ReverseKernel::cov() const {
    const Vector m = mean();
    Matrix c = -m * m.transpose();
    for (std::size_t k = 0; k < weights.size(); ++k)
        c += weights[k] * (covs[k] + means[k] * means[k].transpose());
    return c;
}

Vector ReverseKernel::logDensity(const Matrix& x) const {
    const Index d = x.cols();
    // Components whose weight is below 1e-15 of the largest change no density by more than
    // that factor; dropping them keeps a kernel over thousands of data points fast.
    const double wMax = *std::max_element(weights.begin(), weights.end());
    struct Part {
        double logNorm;
        Vector mean;
        Matrix precision;
    };
    std::vector<Part> parts;
    for (std::size_t k = 0; k < weights.size(); ++k) {
        if (!(weights[k] > 1e-15 * wMax)) continue;
        const Eigen::LLT<Matrix> llt(covs[k]);
        if (llt.info() != Eigen::Success)
            throw UsageError("the reverse kernel has a component without a density");
        const double logDet = 2 * Matrix(llt.matrixL()).diagonal().array().log().sum();
        parts.push_back(
            {std::log(weights[k]) - 0.5 * (logDet + double(d) * std::log(2 * std::numbers::pi)),
             means[k], llt.solve(Matrix::Identity(d, d))});
    }
    Vector out(x.rows());
    std::vector<double> l(parts.size());
    for (Index i = 0; i < x.rows(); ++i) {
        double best = -std::numeric_limits<double>::infinity();
        for (std::size_t k = 0; k < parts.size(); ++k) {
            const Part& c = parts[k];
            if (d == 2) { // the views' case, without temporaries
                const double r0 = x(i, 0) - c.mean[0], r1 = x(i, 1) - c.mean[1];
                l[k] = c.logNorm -
                       0.5 * (c.precision(0, 0) * r0 * r0 + 2 * c.precision(0, 1) * r0 * r1 +
                              c.precision(1, 1) * r1 * r1);
            } else {
                const Vector r = x.row(i).transpose() - c.mean;
                l[k] = c.logNorm - 0.5 * r.dot(c.precision * r);
            }
            best = std::max(best, l[k]);
        }
        double sum = 0;
        for (double v : l) sum += std::exp(v - best);
        out[i] = best + std::log(sum);
    }
    return out;
}

} // namespace dfs
