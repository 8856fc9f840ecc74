// Tests of the ideal (empirical) denoiser (core/denoisers/ideal_denoiser.hpp, diffusion-math.md
// Section 4.2): its limits (data mean at large sigma, nearest training point at small sigma,
// no NaN far away at tiny sigma), the posterior weights, the agreement with the exact GMM
// denoiser of point masses, and the float kernel against a double reference written here.
#include "core/datasets/gmm_datasets.hpp"
#include "core/denoisers/gmm_denoiser.hpp"
#include "core/denoisers/ideal_denoiser.hpp"
#include "core/errors.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <numbers>

using namespace dfs;
using dfs::test::maxAbsDiff;

namespace {

Matrix denoise(const Denoiser& d, const Matrix& x, const NoiseLevel& l) {
    Matrix out(x.rows(), x.cols());
    d.denoiseRows(x, l, out, 0, x.rows());
    return out;
}

/// alpha = 1 (VE) noise level with the given sigma.
NoiseLevel ve(double sigma) {
    NoiseLevel l;
    l.t = 0.5;
    l.alpha = 1;
    l.sigma = sigma;
    return l;
}

/// Straightforward double-precision D(x) = sum_i softmax_i(-|x - alpha y_i|^2 / (2 sigma^2)) y_i.
Vector referenceDenoise(const Matrix& y, const Vector& x, double alpha, double sigma) {
    Vector logit(y.rows());
    for (Index i = 0; i < y.rows(); ++i)
        logit[i] = -(x - alpha * y.row(i).transpose()).squaredNorm() / (2 * sigma * sigma);
    const Vector w = (logit.array() - logit.maxCoeff()).exp();
    return (y.transpose() * w) / w.sum();
}

/// Index of the training point nearest to x / alpha's image, i.e. minimising |x - alpha y_i|.
Index nearest(const Matrix& y, const Vector& x, double alpha) {
    Index best = 0;
    ((-alpha * y).rowwise() + x.transpose()).rowwise().squaredNorm().minCoeff(&best);
    return best;
}

/// A training set whose points are at least 0.2 apart: the 4 x 4 grid with spacing 0.6 and a
/// small fixed jitter.
Matrix grid16() {
    const Matrix jitter = 0.05 * test::normals(31, 16, 2);
    Matrix y(16, 2);
    for (Index i = 0; i < 16; ++i) {
        y(i, 0) = -0.9 + 0.6 * double(i % 4) + jitter(i, 0);
        y(i, 1) = -0.9 + 0.6 * double(i / 4) + jitter(i, 1);
    }
    return y;
}

} // namespace

TEST_CASE("ideal denoiser: large sigma gives the data mean", "[ideal][denoiser]") {
    const Matrix y = makeGmm8(200, kGmm8DefaultStd, 5).points;
    const IdealDenoiser d(y);
    const Vector mean = y.colwise().mean().transpose();
    const Matrix x = test::normals(32, 10, 2);
    double prevErr = std::numeric_limits<double>::infinity();
    for (double sigma : {3.0, 30.0, 300.0, 3000.0}) {
        const Matrix den = denoise(d, x, ve(sigma));
        double err = 0;
        for (Index i = 0; i < x.rows(); ++i)
            err = std::max(err, (den.row(i).transpose() - mean).norm());
        INFO("sigma " << sigma << " max |D - mean| " << err);
        // D - mean ~ Cov (x - mean) / sigma^2 for large sigma: it shrinks with sigma.
        CHECK(err < prevErr);
        prevErr = err;
    }
    CHECK(prevErr < 1e-5); // float accumulation of 200 points at unit scale
}

TEST_CASE("ideal denoiser: small sigma gives the nearest training point", "[ideal][denoiser]") {
    const Matrix y = grid16();
    const IdealDenoiser d(y);
    const auto vp = makeSchedule("vp-linear");
    // Queries near each point (offset 0.03 < half the minimum spacing) at sigma = 0.01.
    const Matrix offsets = 0.02 * test::normals(33, 16, 2);
    for (const NoiseLevel& l : {ve(0.01), vp->at(0.0005)}) {
        const Matrix x = l.alpha * y + offsets;
        const Matrix den = denoise(d, x, l);
        for (Index i = 0; i < 16; ++i) {
            INFO("alpha " << l.alpha << " sigma " << l.sigma << " point " << i);
            REQUIRE(nearest(y, x.row(i).transpose(), l.alpha) == i);
            CHECK((den.row(i) - y.row(i)).cwiseAbs().maxCoeff() < 1e-6);
        }
    }
    // Far-away queries at sigma = 1e-4: logits near -1e11; a stable log-sum-exp gives the
    // nearest point, never NaN.
    const Matrix far{{50.0, -30.0}, {-1e3, 2e3}, {0.0, 400.0}, {-70.0, -70.0}};
    const NoiseLevel tiny = ve(1e-4);
    const Matrix den = denoise(d, far, tiny);
    REQUIRE(den.allFinite());
    Vector logp(far.rows());
    d.logDensityRows(far, tiny, logp, 0, far.rows());
    REQUIRE(logp.allFinite());
    for (Index i = 0; i < far.rows(); ++i) {
        const Vector xi = far.row(i).transpose();
        const Index k = nearest(y, xi, 1.0);
        INFO("query " << far.row(i) << " nearest " << y.row(k));
        CHECK((den.row(i) - y.row(k)).cwiseAbs().maxCoeff() < 1e-6);
        const Vector w = d.posteriorWeights(xi, tiny);
        CHECK(w.allFinite());
        CHECK(w[k] == Approx(1.0));
        // log p = -min_i |x - y_i|^2 / (2 sigma^2) - log N - d/2 log(2 pi sigma^2) when one
        // point dominates.
        const double expect = -(xi - y.row(k).transpose()).squaredNorm() / (2e-8) - std::log(16.0) -
                              std::log(2 * std::numbers::pi * 1e-8);
        CHECK(logp[i] == Approx(expect).epsilon(1e-12));
    }
}

TEST_CASE("ideal denoiser: many training points at small sigma", "[ideal][denoiser]") {
    // 4000 points at sigma = 1e-3, queried at training points and next to them: every weight
    // but a few must vanish. A kernel whose exp floor were e^-20 (2e-9) instead of ~0 would move
    // D by about 4000 * 2e-9 * |y| here.
    const Matrix y = makeGmm8(4000, kGmm8DefaultStd, 8).points;
    const IdealDenoiser d(y);
    Matrix x = y.topRows(30);
    x.bottomRows(15) += 2e-3 * test::normals(36, 15, 2);
    const NoiseLevel l = ve(1e-3);
    const Matrix den = denoise(d, x, l);
    for (Index i = 0; i < x.rows(); ++i) {
        const Vector ref = referenceDenoise(y, x.row(i).transpose(), 1.0, 1e-3);
        INFO("query " << i);
        CHECK((den.row(i).transpose() - ref).cwiseAbs().maxCoeff() < 1e-6);
    }
}

TEST_CASE("ideal denoiser: posterior weights sum to 1 and average to D", "[ideal][denoiser]") {
    const Matrix y = makeGmm8(64, 0.3, 6).points;
    const IdealDenoiser d(y);
    const Matrix x = 1.5 * test::normals(34, 20, 2);
    const auto s = makeSchedule("cosine");
    for (double t : {0.02, 0.2, 0.5, 0.9}) {
        const NoiseLevel l = s->at(t);
        const Matrix den = denoise(d, x, l);
        for (Index i = 0; i < x.rows(); ++i) {
            const Vector w = d.posteriorWeights(x.row(i).transpose(), l);
            CHECK(w.sum() == Approx(1.0).epsilon(1e-12));
            CHECK(w.minCoeff() >= 0.0);
            const double neff = effectiveCount(w);
            CHECK(neff >= 1.0 - 1e-12);
            CHECK(neff <= 64.0 + 1e-9);
            CHECK(((y.transpose() * w).transpose() - den.row(i)).cwiseAbs().maxCoeff() < 1e-4);
        }
    }
    CHECK(effectiveCount(Vector::Constant(10, 0.1)) == Approx(10.0));
    CHECK_THROWS_AS(IdealDenoiser(Matrix(0, 2)), UsageError);
}

TEST_CASE("ideal denoiser: equals the exact GMM denoiser of equal-weight point masses",
          "[ideal][denoiser][gmm]") {
    const Matrix y = makeGmm8(40, 0.25, 7).points;
    GmmParams g;
    for (Index i = 0; i < y.rows(); ++i) {
        g.weights.push_back(1.0 / double(y.rows()));
        g.means.push_back(y.row(i).transpose());
        g.covs.push_back(Matrix::Zero(2, 2));
    }
    const GmmDenoiser exact(g);
    const IdealDenoiser ideal(y);
    const Matrix x = 1.5 * test::normals(35, 40, 2);
    for (const auto& [name, _] : listSchedules()) {
        const auto s = makeSchedule(name);
        for (double t : {0.05, 0.3, 0.6, 0.9}) {
            INFO(name << " t = " << t);
            const NoiseLevel l = s->at(t);
            // The ideal kernel is float32 (see the kernel test below for the tolerance).
            CHECK(maxAbsDiff(denoise(ideal, x, l), denoise(exact, x, l)) < 2e-4);
            Vector a(x.rows()), b(x.rows());
            ideal.logDensityRows(x, l, a, 0, x.rows());
            exact.logDensityRows(x, l, b, 0, x.rows());
            CHECK((a - b).cwiseAbs().maxCoeff() < 1e-9 * (1 + b.cwiseAbs().maxCoeff()));
            for (Index i = 0; i < 5; ++i) {
                const Vector xi = x.row(i).transpose();
                CHECK((ideal.posteriorWeights(xi, l) - exact.responsibilities(xi, l))
                          .cwiseAbs()
                          .maxCoeff() < 1e-12);
            }
        }
    }
}

TEST_CASE("ideal denoiser: the float kernel agrees with a double reference", "[ideal][denoiser]") {
    // Tolerance: the kernel rounds x, y and the logits to float32 (relative 6e-8) and uses a
    // polynomial exp (relative 2e-7), so the weights carry relative errors of order 1e-7 times
    // the logit spread of the points that matter. Measured errors are below 1e-6 for data of
    // unit scale; 1e-5 leaves room for the other vector paths (AVX2, AVX-512, SSE2 clones).
    for (int dim : {2, 3, 5}) {
        const Matrix y = test::normals(40 + dim, 300, dim);
        const IdealDenoiser d(y);
        const Matrix x = 1.3 * test::normals(50 + dim, 25, dim);
        for (const auto& [name, _] : listSchedules()) {
            const auto s = makeSchedule(name);
            for (double t : {0.1, 0.3, 0.6, 0.9}) {
                const NoiseLevel l = s->at(t);
                INFO("dim " << dim << " " << name << " t = " << t << " sigma " << l.sigma);
                const Matrix den = denoise(d, x, l);
                double err = 0;
                for (Index i = 0; i < x.rows(); ++i) {
                    const Vector ref = referenceDenoise(y, x.row(i).transpose(), l.alpha, l.sigma);
                    err = std::max(err, (den.row(i).transpose() - ref).cwiseAbs().maxCoeff());
                }
                INFO("max error " << err);
                CHECK(err < 1e-5);
            }
        }
    }
}

TEST_CASE("ideal denoiser: far from the data at tiny sigma it keeps double precision",
          "[ideal][denoiser]") {
    // Two training points at (-a, 0) and (a, 0) and a query far above them, just off their
    // bisector, so the two weights compete: their logits differ by 4 a delta scale ~ 1 while
    // each is ~ -L^2 scale ~ -5e4 at sigma = 0.005, where float32 logits are off by ~3e-3.
    // The kernel then takes its double pass. Bound (ideal_kernel.hpp): weights good to a
    // relative 1e-5, so |D - D_exact| <= 1e-5 times the spread of the data around D.
    const Matrix extra = 0.3 * test::normals(91, 50, 2) + Matrix::Constant(50, 2, -3.0);
    Matrix y(52, 2);
    y << -0.1, 0.0, 0.1, 0.0, extra;
    const IdealDenoiser d(y);
    for (double sigma : {0.005, 0.02}) {
        const double scale = 0.5 / (sigma * sigma);
        for (double logitGap : {-2.0, 0.3, 1.0}) {
            Vector x(2);
            x << logitGap / (4 * 0.1 * scale), 1.6;
            const NoiseLevel l = ve(sigma);
            const Matrix den = denoise(d, x.transpose(), l);
            const Vector ref = referenceDenoise(y, x, 1.0, sigma);
            const double spread = (y.rowwise() - ref.transpose()).rowwise().norm().maxCoeff();
            INFO("sigma " << sigma << " gap " << logitGap << " D " << den << " exact "
                          << ref.transpose());
            CHECK((den.row(0).transpose() - ref).cwiseAbs().maxCoeff() <= 1e-5 * spread);
        }
    }
}
