// Ideal-denoiser posterior over the training points (diffusion-math.md Section 4.2).
#include "core/denoisers/ideal_posterior.hpp"

#include "core/rng/philox.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace dfs {

IdealPosterior::IdealPosterior(const Matrix& train, const NoiseLevel& level)
    : m_train(train), m_level(level) {}

Vector IdealPosterior::weights(const Vector& x) const {
    const double a = m_level.alpha, s2 = m_level.sigma * m_level.sigma;
    const Vector logit =
        -((a * m_train).rowwise() - x.transpose()).rowwise().squaredNorm() / (2 * s2);
    const Vector w = (logit.array() - logit.maxCoeff()).exp();
    return w / w.sum();
}

Posterior IdealPosterior::at(const Vector& x) const {
    Posterior p;
    p.weights = weights(x);
    p.mean = m_train.transpose() * p.weights;
    // sum_i w_i (y_i - D)(y_i - D)^T: equal to sum_i w_i y_i y_i^T - D D^T, without cancellation.
    const Matrix centred = m_train.rowwise() - p.mean.transpose();
    p.cov = centred.transpose() * p.weights.asDiagonal() * centred;
    return p;
}

double IdealPosterior::traceCov(const Vector& x) const {
    // One pass for the logits, one for the weights and mean (weights below e^-40 of the largest
    // are skipped: they change nothing in double precision), one for sum_i w_i ||y_i - D||^2.
    const Index n = m_train.rows(), d = m_train.cols();
    const double a = m_level.alpha, scale = -0.5 / (m_level.sigma * m_level.sigma);
    std::vector<double> logit(std::size_t(n), 0.0);
    double best = -INFINITY;
    for (Index i = 0; i < n; ++i) {
        double s = 0;
        for (Index k = 0; k < d; ++k) {
            const double r = x[k] - a * m_train(i, k);
            s += r * r;
        }
        logit[std::size_t(i)] = s * scale;
        best = std::max(best, s * scale);
    }
    Vector mean = Vector::Zero(d);
    double total = 0;
    for (Index i = 0; i < n; ++i) {
        double& w = logit[std::size_t(i)];
        w = w - best > -40 ? std::exp(w - best) : 0.0;
        if (w == 0) continue;
        total += w;
        mean += w * m_train.row(i).transpose();
    }
    mean /= total;
    double tr = 0;
    for (Index i = 0; i < n; ++i)
        if (const double w = logit[std::size_t(i)]; w > 0)
            tr += w * (m_train.row(i).transpose() - mean).squaredNorm();
    return tr / total;
}

Matrix IdealPosterior::draw(const Vector& x, Index k, std::uint64_t seed,
                            std::uint32_t stream) const {
    const Vector w = weights(x);
    std::vector<double> cumulative(std::size_t(w.size()));
    double acc = 0;
    for (Index i = 0; i < w.size(); ++i) cumulative[std::size_t(i)] = acc += w[i];
    Matrix out(k, m_train.cols());
    for (Index j = 0; j < k; ++j) {
        const double u = philoxUniforms4(seed, std::uint32_t(j), 0, stream, 0)[0] * acc;
        const auto i = std::min<std::ptrdiff_t>(
            std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin(),
            std::ptrdiff_t(cumulative.size()) - 1);
        out.row(j) = m_train.row(Index(i));
    }
    return out;
}

} // namespace dfs
