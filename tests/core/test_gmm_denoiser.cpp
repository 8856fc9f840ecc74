// Tests of the exact Gaussian-mixture denoiser (core/denoisers/gmm_denoiser.hpp) against
// diffusion-math.md Section 4.1: the score against finite differences of log p_t (for gmm8 and
// an anisotropic two-component mixture), Tweedie's formula, the closed-form Gaussian posterior
// mean and density, and the responsibilities.
#include "core/backend/cpu_backend.hpp"
#include "core/datasets/gmm_datasets.hpp"
#include "core/denoisers/gmm_denoiser.hpp"
#include "core/errors.hpp"
#include "core/parameterisation.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

using namespace dfs;
using dfs::test::maxAbsDiff;

namespace {

GmmParams gmm8() {
    return makeGmm8(1, kGmm8DefaultStd, 0).gmm.value();
}

/// Two components with full, differently oriented covariances and unequal weights.
GmmParams anisotropic() {
    GmmParams g;
    g.weights = {0.3, 0.7};
    g.means = {Vector{{1.0, -0.5}}, Vector{{-0.8, 0.9}}};
    Matrix c0(2, 2), c1(2, 2);
    c0 << 0.50, 0.20, 0.20, 0.10; // det 0.01, long axis along (0.93, 0.37)
    c1 << 0.05, -0.02, -0.02, 0.30;
    g.covs = {c0, c1};
    return g;
}

double logDensity(const GmmDenoiser& d, const Vector& x, const NoiseLevel& l) {
    const Matrix row = x.transpose();
    Vector out(1);
    d.logDensityRows(row, l, out, 0, 1);
    return out[0];
}

/// Central-difference gradient of log p_t at x.
Vector fdScore(const GmmDenoiser& d, const Vector& x, const NoiseLevel& l, double h) {
    Vector g(x.size());
    for (Index j = 0; j < x.size(); ++j) {
        Vector xp = x, xm = x;
        xp[j] += h;
        xm[j] -= h;
        g[j] = (logDensity(d, xp, l) - logDensity(d, xm, l)) / (2 * h);
    }
    return g;
}

Matrix denoise(const Denoiser& d, const Matrix& x, const NoiseLevel& l) {
    Matrix out(x.rows(), x.cols());
    d.denoiseRows(x, l, out, 0, x.rows());
    return out;
}

} // namespace

TEST_CASE("gmm denoiser: the score is the gradient of log p_t", "[gmm][denoiser]") {
    const Matrix x = 1.2 * test::normals(21, 12, 2);
    for (const GmmParams& g : {gmm8(), anisotropic()}) {
        const GmmDenoiser d(g);
        for (const char* name : {"vp-linear", "ve", "rf"}) {
            const auto s = makeSchedule(name);
            for (double t : {0.05, 0.2, 0.5, 0.8}) {
                const NoiseLevel l = s->at(t);
                INFO(g.size() << " components, " << name << " t = " << t);
                const Matrix score = d.score(x, l);
                const Matrix viaX0 = fromX0(Prediction::Score, x, denoise(d, x, l), l);
                // h = 1e-5 sigma_t: the truncation error h^2 |f'''| / 6 and the rounding
                // 1e-16 |log p| / h stay below 1e-6 of the score's scale 1/sigma^2.
                const double h = 1e-5 * l.sigma, scale = 1 / (l.sigma * l.sigma);
                for (Index i = 0; i < x.rows(); ++i) {
                    const Vector fd = fdScore(d, x.row(i).transpose(), l, h);
                    INFO("point " << x.row(i) << " fd " << fd.transpose() << " score "
                                  << score.row(i));
                    CHECK((score.row(i).transpose() - fd).cwiseAbs().maxCoeff() < 1e-6 * scale);
                    CHECK((viaX0.row(i).transpose() - fd).cwiseAbs().maxCoeff() < 1e-6 * scale);
                }
            }
        }
    }
}

TEST_CASE("gmm denoiser: Tweedie D = (x + sigma^2 score)/alpha", "[gmm][denoiser]") {
    const Matrix x = 2.0 * test::normals(22, 50, 2);
    for (const GmmParams& g : {gmm8(), anisotropic()}) {
        const GmmDenoiser d(g);
        for (const auto& [name, _] : listSchedules()) {
            const auto s = makeSchedule(name);
            for (double t : {0.01, 0.1, 0.4, 0.7, 0.9}) {
                INFO(name << " t = " << t);
                const NoiseLevel l = s->at(t);
                const Matrix tweedie = (x + l.sigma * l.sigma * d.score(x, l)) / l.alpha;
                CHECK(maxAbsDiff(denoise(d, x, l), tweedie) < 1e-9 * (1 + 1 / l.alpha));
            }
        }
    }
}

TEST_CASE("gmm denoiser: Tweedie holds in 3-D too (the general path beside the 2-D one)",
          "[gmm][denoiser]") {
    GmmParams g;
    g.weights = {0.3, 0.7};
    g.means = {Vector{{0.5, -1.0, 0.2}}, Vector{{-0.4, 0.6, 1.1}}};
    Matrix c0(3, 3), c1(3, 3);
    c0 << 0.20, 0.05, 0.00, 0.05, 0.10, 0.02, 0.00, 0.02, 0.30;
    c1 << 0.08, -0.03, 0.01, -0.03, 0.25, 0.00, 0.01, 0.00, 0.05;
    g.covs = {c0, c1};
    const GmmDenoiser d(g);
    const Matrix x = 1.5 * test::normals(23, 40, 3);
    const auto s = makeSchedule("vp-linear");
    for (double t : {0.05, 0.4, 0.8}) {
        const NoiseLevel l = s->at(t);
        const Matrix tweedie = (x + l.sigma * l.sigma * d.score(x, l)) / l.alpha;
        CHECK(maxAbsDiff(denoise(d, x, l), tweedie) < 1e-9 * (1 + 1 / l.alpha));
    }
}

TEST_CASE("gmm denoiser: one Gaussian gives the closed-form posterior mean and density",
          "[gmm][denoiser]") {
    // x0 ~ N(mu, diag(c0^2, c1^2)), x_t = alpha x0 + sigma eps: per coordinate j,
    // E[x0_j | x] = mu_j + alpha c_j^2 / (alpha^2 c_j^2 + sigma^2) (x_j - alpha mu_j).
    const double mu[2] = {0.7, -1.1}, c[2] = {0.4, 1.3};
    GmmParams g;
    g.weights = {1.0};
    g.means = {Vector{{mu[0], mu[1]}}};
    Matrix cov = Matrix::Zero(2, 2);
    cov(0, 0) = c[0] * c[0];
    cov(1, 1) = c[1] * c[1];
    g.covs = {cov};
    const GmmDenoiser d(g);
    const Matrix x = 1.5 * test::normals(23, 20, 2);
    for (const auto& [name, _] : listSchedules()) {
        const auto s = makeSchedule(name);
        for (double t : {0.05, 0.3, 0.6, 0.9}) {
            INFO(name << " t = " << t);
            const NoiseLevel l = s->at(t);
            const double a = l.alpha, sg = l.sigma;
            const Matrix den = denoise(d, x, l);
            Vector logp(x.rows());
            d.logDensityRows(x, l, logp, 0, x.rows());
            for (Index i = 0; i < x.rows(); ++i) {
                double expectLogp = 0;
                for (int j = 0; j < 2; ++j) {
                    const double var = a * a * c[j] * c[j] + sg * sg;
                    const double r = x(i, j) - a * mu[j];
                    CHECK(den(i, j) ==
                          Approx(mu[j] + a * c[j] * c[j] / var * r).epsilon(1e-12).margin(1e-12));
                    expectLogp += -0.5 * r * r / var - 0.5 * std::log(2 * std::numbers::pi * var);
                }
                CHECK(logp[i] == Approx(expectLogp).epsilon(1e-12));
            }
        }
    }
}

TEST_CASE("gmm denoiser: responsibilities sum to 1 and follow the two-class logistic",
          "[gmm][denoiser]") {
    const GmmDenoiser d8(gmm8());
    const Matrix x = 2.0 * test::normals(24, 30, 2);
    const auto s = makeSchedule("vp-linear");
    for (double t : {0.01, 0.2, 0.6, 0.95}) {
        const NoiseLevel l = s->at(t);
        for (Index i = 0; i < x.rows(); ++i) {
            const Vector w = d8.responsibilities(x.row(i).transpose(), l);
            REQUIRE(w.size() == 8);
            CHECK(w.sum() == Approx(1.0).epsilon(1e-12));
            CHECK(w.minCoeff() >= 0.0);
        }
    }
    // Two isotropic components with equal covariance c^2 I: C = (alpha^2 c^2 + sigma^2) I and
    // log(w0/w1) = log(pi0/pi1) - (|x - alpha mu0|^2 - |x - alpha mu1|^2) / (2 C).
    GmmParams g;
    g.weights = {0.25, 0.75};
    g.means = {Vector{{1.0, 0.0}}, Vector{{-1.0, 0.5}}};
    g.covs = {Matrix::Identity(2, 2) * 0.09, Matrix::Identity(2, 2) * 0.09};
    const GmmDenoiser d2(g);
    for (double t : {0.1, 0.5, 0.9}) {
        const NoiseLevel l = s->at(t);
        const double cvar = l.alpha * l.alpha * 0.09 + l.sigma * l.sigma;
        for (Index i = 0; i < 10; ++i) {
            const Vector xi = x.row(i).transpose();
            const double r0 = (xi - l.alpha * g.means[0]).squaredNorm();
            const double r1 = (xi - l.alpha * g.means[1]).squaredNorm();
            const double logit = std::log(0.25 / 0.75) - (r0 - r1) / (2 * cvar);
            const Vector w = d2.responsibilities(xi, l);
            CHECK(w[0] == Approx(1 / (1 + std::exp(-logit))).epsilon(1e-10).margin(1e-14));
        }
    }
    // At small noise a point on a component's mean belongs to it.
    const NoiseLevel small = s->at(0.01);
    const Vector w = d8.responsibilities(small.alpha * gmm8().means[3], small);
    CHECK(w[3] == Approx(1.0).epsilon(1e-12));
}

TEST_CASE("gmm denoiser: the backend gives the same result and bad mixtures throw",
          "[gmm][denoiser]") {
    const GmmDenoiser d(anisotropic());
    CpuBackend backend(2);
    const Matrix x = test::normals(25, 70, 2);
    const NoiseLevel l = makeSchedule("cosine")->at(0.4);
    Matrix out;
    backend.denoise(d, x, l, out);
    CHECK(out == denoise(d, x, l));
    Vector logp;
    backend.logDensity(d, x, l, logp);
    CHECK(logp.allFinite());

    GmmParams empty;
    CHECK_THROWS_AS(GmmDenoiser(empty), UsageError);
    GmmParams mismatch = anisotropic();
    mismatch.weights.push_back(0.1);
    CHECK_THROWS_AS(GmmDenoiser(mismatch), UsageError);
    CHECK_THROWS_AS(GmmDenoiser(test::isotropicGaussian(Vector::Zero(17), 1.0)), UsageError);
}
