// The posterior p(x0 | x_t) of the exact and ideal denoisers (core/denoisers/posterior.hpp)
// against diffusion-math.md Sections 1.8, 4.1 and 4.2: its mean against the denoisers, its
// covariance against Tweedie's second-order formula Cov = sigma^2/alpha^2 (I + sigma^2 H) with H
// from central differences of the score, the ideal posterior as the point-mass mixture, N_eff and
// entropy at their limits, and the Monte Carlo denoiser's 1/sqrt(K) error.
#include "core/datasets/gmm_datasets.hpp"
#include "core/denoisers/gmm_denoiser.hpp"
#include "core/denoisers/gmm_posterior.hpp"
#include "core/denoisers/ideal_denoiser.hpp"
#include "core/denoisers/ideal_posterior.hpp"
#include "core/denoisers/monte_carlo_denoiser.hpp"
#include "core/denoisers/posterior.hpp"
#include "core/errors.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace dfs;
using dfs::test::contains;
using dfs::test::errorOf;
using dfs::test::maxAbsDiff;

namespace {

/// Two components with full, differently oriented covariances and unequal weights, in 2-D.
GmmParams anisotropic2() {
    GmmParams g;
    g.weights = {0.3, 0.7};
    g.means = {Vector{{1.0, -0.5}}, Vector{{-0.8, 0.9}}};
    Matrix c0(2, 2), c1(2, 2);
    c0 << 0.50, 0.20, 0.20, 0.10;
    c1 << 0.05, -0.02, -0.02, 0.30;
    g.covs = {c0, c1};
    return g;
}

/// Three components in 3-D (the general path of the exact denoiser).
GmmParams mixture3() {
    GmmParams g;
    g.weights = {0.2, 0.5, 0.3};
    g.means = {Vector{{1.0, 0.0, -0.5}}, Vector{{-0.5, 0.7, 0.2}}, Vector{{0.1, -0.8, 0.6}}};
    Matrix a(3, 3), b(3, 3), c(3, 3);
    a << 0.3, 0.1, 0.0, 0.1, 0.2, 0.05, 0.0, 0.05, 0.1;
    b << 0.1, 0.0, 0.02, 0.0, 0.4, -0.1, 0.02, -0.1, 0.2;
    c = 0.05 * Matrix::Identity(3, 3);
    g.covs = {a, b, c};
    return g;
}

Vector denoiseOne(const Denoiser& d, const Vector& x, const NoiseLevel& l) {
    const Matrix row = x.transpose();
    Matrix out(1, x.size());
    d.denoiseRows(row, l, out, 0, 1);
    return out.row(0).transpose();
}

/// Hessian of log p_t at x by central differences of the exact score.
Matrix fdHessian(const GmmDenoiser& d, const Vector& x, const NoiseLevel& l, double h) {
    const Index n = x.size();
    Matrix H(n, n);
    for (Index j = 0; j < n; ++j) {
        Matrix xp = x.transpose(), xm = x.transpose();
        xp(0, j) += h;
        xm(0, j) -= h;
        H.col(j) = ((d.score(xp, l) - d.score(xm, l)) / (2 * h)).row(0).transpose();
    }
    return 0.5 * (H + H.transpose());
}

} // namespace

TEST_CASE("posterior: the exact GMM posterior mean is the denoiser, its weights the "
          "responsibilities",
          "[posterior]") {
    for (const GmmParams& g : {anisotropic2(), mixture3()}) {
        const GmmDenoiser model(g);
        const auto s = makeSchedule("vp-linear");
        const Matrix xs = test::normals(3, 20, g.dim());
        for (double t : {0.05, 0.3, 0.7}) {
            const NoiseLevel l = s->at(t);
            const auto post = exactPosterior(model, l);
            REQUIRE(post);
            for (Index i = 0; i < xs.rows(); ++i) {
                const Vector x = xs.row(i).transpose();
                const Posterior p = post->at(x);
                INFO("d " << g.dim() << " t " << t << " point " << i);
                CHECK((p.mean - denoiseOne(model, x, l)).cwiseAbs().maxCoeff() < 1e-12);
                CHECK((p.weights - model.responsibilities(x, l)).cwiseAbs().maxCoeff() < 1e-12);
                CHECK(std::abs(p.cov.trace() - post->traceCov(x)) < 1e-12);
                // The mixture identity: sum_k w_k (Cov_k + m0_k m0_k^T) - D D^T.
                Matrix second = Matrix::Zero(g.dim(), g.dim());
                for (std::size_t k = 0; k < p.componentMeans.size(); ++k)
                    second += p.weights[Index(k)] *
                              (p.componentCovs[k] +
                               p.componentMeans[k] * p.componentMeans[k].transpose());
                CHECK(maxAbsDiff(p.cov, second - p.mean * p.mean.transpose()) < 1e-12);
            }
        }
    }
}

TEST_CASE("posterior: the GMM posterior covariance is Tweedie's sigma^2/alpha^2 (I + sigma^2 H)",
          "[posterior]") {
    // Second-order Tweedie (diffusion-math.md 4.1: grad D = (I + sigma^2 H)/alpha =
    // (alpha/sigma^2) Cov[x0|x_t]), H the Hessian of log p_t from central differences of the score.
    for (const GmmParams& g : {anisotropic2(), mixture3(), makeGmm8(1, 0.1, 0).gmm.value()}) {
        const GmmDenoiser model(g);
        for (const char* name : {"vp-linear", "ve", "rf"}) {
            const auto s = makeSchedule(name);
            const Matrix xs = test::normals(7, 8, g.dim());
            for (double t : {0.1, 0.4, 0.8}) {
                const NoiseLevel l = s->at(t);
                const auto post = exactPosterior(model, l);
                const double scale = l.sigma * l.sigma / (l.alpha * l.alpha);
                for (Index i = 0; i < xs.rows(); ++i) {
                    const Vector x = l.alpha * xs.row(i).transpose();
                    const Matrix H = fdHessian(model, x, l, 1e-5 * std::max(1.0, l.sigma));
                    const Matrix tweedie =
                        scale * (Matrix::Identity(g.dim(), g.dim()) + l.sigma * l.sigma * H);
                    const Matrix cov = post->at(x).cov;
                    INFO(name << " d " << g.dim() << " t " << t << " point " << i);
                    CHECK(maxAbsDiff(cov, tweedie) < 1e-6 * std::max(1.0, cov.norm()));
                }
            }
        }
    }
}

TEST_CASE("posterior: one Gaussian N(mu, c^2 I) has Cov = c^2 sigma^2/(alpha^2 c^2 + sigma^2) I",
          "[posterior]") {
    const double c = 0.6;
    const Vector mu{{0.4, -1.2, 0.3}};
    const GmmDenoiser model(test::isotropicGaussian(mu, c));
    const auto s = makeSchedule("cosine");
    for (double t : {0.02, 0.25, 0.5, 0.9}) {
        const NoiseLevel l = s->at(t);
        const double v =
            c * c * l.sigma * l.sigma / (l.alpha * l.alpha * c * c + l.sigma * l.sigma);
        const Posterior p = exactPosterior(model, l)->at(Vector{{1.0, 2.0, -3.0}});
        CHECK(maxAbsDiff(p.cov, v * Matrix::Identity(3, 3)) < 1e-13);
        CHECK(p.weights.size() == 1);
        CHECK(weightsEffectiveCount(p.weights) == Approx(1.0));
        CHECK(weightsEntropy(p.weights) == 0.0);
    }
}

TEST_CASE("posterior: the ideal posterior is the point-mass mixture (Sigma_k = 0, pi = 1/N)",
          "[posterior]") {
    const Matrix train = test::normals(11, 40, 2);
    std::vector<Vector> means;
    for (Index i = 0; i < train.rows(); ++i) means.push_back(train.row(i).transpose());
    const IdealDenoiser ideal(train);
    const GmmDenoiser pointMasses(isotropicGmm(means, 0.0));
    const auto s = makeSchedule("vp-linear");
    const Matrix xs = test::normals(12, 10, 2);
    for (double t : {0.1, 0.5, 0.9}) {
        const NoiseLevel l = s->at(t);
        const auto a = exactPosterior(ideal, l), b = exactPosterior(pointMasses, l);
        for (Index i = 0; i < xs.rows(); ++i) {
            const Vector x = xs.row(i).transpose();
            const Posterior pa = a->at(x), pb = b->at(x);
            INFO("t " << t << " point " << i);
            CHECK((pa.weights - pb.weights).cwiseAbs().maxCoeff() < 1e-12);
            CHECK((pa.weights - ideal.posteriorWeights(x, l)).cwiseAbs().maxCoeff() < 1e-12);
            CHECK((pa.mean - pb.mean).cwiseAbs().maxCoeff() < 1e-12);
            CHECK((pa.mean - denoiseOne(ideal, x, l)).cwiseAbs().maxCoeff() < 1e-5); // float kernel
            CHECK(maxAbsDiff(pa.cov, pb.cov) < 1e-12);
            CHECK(std::abs(pa.cov.trace() - a->traceCov(x)) < 1e-12);
            CHECK(weightsEffectiveCount(pa.weights) == Approx(effectiveCount(pa.weights)));
        }
    }
}

TEST_CASE("posterior: N_eff and entropy run from N and log N (high noise) to 1 and 0 (low)",
          "[posterior]") {
    const Matrix train = test::normals(13, 50, 2);
    const IdealPosterior high(train, NoiseLevel{0.99, 1e-3, 1.0, 0, 0});
    const Vector w = high.weights(Vector{{0.1, 0.2}});
    CHECK(weightsEffectiveCount(w) == Approx(50).epsilon(1e-4));
    CHECK(weightsEntropy(w) == Approx(std::log(50.0)).epsilon(1e-6));
    // At sigma 1e-3 beside training point 7, all weight is on it.
    const IdealPosterior low(train, NoiseLevel{1e-4, 1.0, 1e-3, 0, 0});
    const Posterior p = low.at(train.row(7).transpose() + Vector{{1e-4, 0}});
    CHECK(p.weights[7] == Approx(1.0));
    CHECK(weightsEffectiveCount(p.weights) == Approx(1.0));
    CHECK(weightsEntropy(p.weights) < 1e-9);
    CHECK(p.cov.norm() < 1e-9);
    // Two equal weights: N_eff 2, entropy log 2.
    CHECK(weightsEffectiveCount(Vector{{0.5, 0.5}}) == Approx(2.0));
    CHECK(weightsEntropy(Vector{{0.5, 0.5}}) == Approx(std::log(2.0)));
}

TEST_CASE("posterior: draws have the posterior's mean and covariance", "[posterior]") {
    const GmmDenoiser model(anisotropic2());
    const NoiseLevel l = makeSchedule("vp-linear")->at(0.4);
    const auto post = exactPosterior(model, l);
    const Vector x{{0.2, 0.1}};
    const Posterior p = post->at(x);
    const Index k = 200000;
    const Matrix d = post->draw(x, k, 5, 0);
    const Vector mean = d.colwise().mean().transpose();
    const Matrix centred = d.rowwise() - mean.transpose();
    const Matrix cov = centred.transpose() * centred / double(k - 1);
    // Standard errors: sqrt(Cov_jj / K) for the mean, about sqrt(2/K) Cov for the covariance.
    for (Index j = 0; j < 2; ++j)
        CHECK(std::abs(mean[j] - p.mean[j]) < 5 * std::sqrt(p.cov(j, j) / double(k)));
    CHECK(maxAbsDiff(cov, p.cov) < 5 * std::sqrt(2.0 / double(k)) * p.cov.cwiseAbs().maxCoeff());
    // The same seed and stream give the same draws; another stream others.
    CHECK(maxAbsDiff(post->draw(x, 10, 5, 0), d.topRows(10)) == 0.0);
    CHECK(maxAbsDiff(post->draw(x, 10, 5, 1), d.topRows(10)) > 0.0);
}

TEST_CASE("posterior: the Monte Carlo denoiser's error falls as 1/sqrt(K)", "[posterior]") {
    // RMS over query points of ||D_K(x) - D*(x)|| for K = 16 .. 4096; the least-squares slope of
    // log RMS against log K is -1/2 for an unbiased mean of K independent draws.
    for (bool ideal : {false, true}) {
        const GmmParams g = makeGmm8(1, 0.1, 0).gmm.value();
        const Matrix train = makeGmm8(300, 0.1, 4).points;
        const GmmDenoiser exact(g);
        const IdealDenoiser empirical(train);
        const Denoiser& model = ideal ? static_cast<const Denoiser&>(empirical) : exact;
        const NoiseLevel l = makeSchedule("vp-linear")->at(0.5);
        const auto post = exactPosterior(model, l);
        const Matrix xs = test::normals(21, 100, 2);
        std::vector<double> logK, logRms;
        for (Index k = 16; k <= 4096; k *= 4) {
            const MonteCarloDenoiser mc(model, k, 9);
            Matrix est(xs.rows(), 2);
            mc.denoiseRows(xs, l, est, 0, xs.rows());
            double sum = 0;
            for (Index i = 0; i < xs.rows(); ++i)
                sum +=
                    (est.row(i).transpose() - post->at(xs.row(i).transpose()).mean).squaredNorm();
            logK.push_back(std::log(double(k)));
            logRms.push_back(0.5 * std::log(sum / double(xs.rows())));
        }
        const double n = double(logK.size());
        double mx = 0, my = 0;
        for (std::size_t i = 0; i < logK.size(); ++i) mx += logK[i] / n, my += logRms[i] / n;
        double sxy = 0, sxx = 0;
        for (std::size_t i = 0; i < logK.size(); ++i)
            sxy += (logK[i] - mx) * (logRms[i] - my), sxx += (logK[i] - mx) * (logK[i] - mx);
        INFO((ideal ? "ideal" : "exact") << " slope " << sxy / sxx);
        CHECK(sxy / sxx == Approx(-0.5).margin(0.06));
    }
    CHECK(contains(errorOf<UsageError>([] {
                       const GmmDenoiser m(test::isotropicGaussian(Vector{{0.0, 0.0}}, 1.0));
                       MonteCarloDenoiser(m, 0, 1);
                   }),
                   "at least 1 draw"));
}

TEST_CASE("posterior: sigma = 0 and models without a posterior are answered plainly",
          "[posterior]") {
    const GmmDenoiser m(test::isotropicGaussian(Vector{{0.0, 0.0}}, 1.0));
    CHECK(contains(errorOf<UsageError>([&] { exactPosterior(m, NoiseLevel{}); }), "sigma > 0"));
    const MonteCarloDenoiser mc(m, 4, 1);
    NoiseLevel l;
    l.sigma = 1;
    CHECK(exactPosterior(mc, l) == nullptr);
}
