// The denoising error curve (core/metrics/denoising_error.hpp): the Bayes error of one Gaussian
// against its closed form c^2 sigma^2 / (alpha^2 c^2 + sigma^2) per dimension, the exact model's
// MSE against the Bayes error on mixtures (two estimates of one number), any other model at or
// above it, and the implied weightings of diffusion-math.md Section 2.3.
#include "core/datasets/gmm_datasets.hpp"
#include "core/denoisers/gmm_denoiser.hpp"
#include "core/denoisers/ideal_denoiser.hpp"
#include "core/errors.hpp"
#include "core/metrics/denoising_error.hpp"
#include "core/metrics/implied_weighting.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace dfs;
using dfs::test::contains;
using dfs::test::errorOf;

namespace {

GmmParams anisotropic() {
    GmmParams g;
    g.weights = {0.3, 0.7};
    g.means = {Vector{{1.0, -0.5}}, Vector{{-0.8, 0.9}}};
    Matrix c0(2, 2), c1(2, 2);
    c0 << 0.50, 0.20, 0.20, 0.10;
    c1 << 0.05, -0.02, -0.02, 0.30;
    g.covs = {c0, c1};
    return g;
}

} // namespace

TEST_CASE("denoising error: one Gaussian's Bayes error is c^2 sigma^2 / (alpha^2 c^2 + sigma^2)",
          "[denoising-error]") {
    const double c = 0.7;
    for (const Vector& mu : {Vector{{0.5, -0.3}}, Vector{{0.2, 0.1, -1.0}}}) {
        const GmmParams g = test::isotropicGaussian(mu, c);
        const GmmDenoiser exact(g);
        const Matrix data = sampleGmm(g, 4000, 3, "gauss").points;
        for (const char* name : {"vp-linear", "cosine", "ve", "edm", "rf"}) {
            const auto s = makeSchedule(name);
            DenoisingErrorOptions o;
            o.samples = 3000;
            o.seed = 17;
            const auto curve = denoisingErrorCurve(exact, &exact, *s, data, o);
            REQUIRE(curve.size() == 24);
            const double step = curve[1].logSnr - curve[0].logSnr;
            CHECK(step > 0);
            for (const DenoisingErrorPoint& p : curve) {
                INFO(name << " d " << mu.size() << " logSNR " << p.logSnr);
                const double v =
                    c * c * p.sigma * p.sigma / (p.alpha * p.alpha * c * c + p.sigma * p.sigma);
                REQUIRE(p.hasBayes);
                CHECK(p.bayes == Approx(v).epsilon(1e-10));
                CHECK(p.bayesSe <= 1e-12 * v + 1e-300); // the same at every x_t
                // The exact model's MSE estimates the same number.
                CHECK(std::abs(p.mse - v) < 4 * p.mseSe);
                CHECK(p.logSnr ==
                      Approx(curve[0].logSnr + step * (&p - curve.data())).margin(1e-6));
            }
            CHECK(curve.front().logSnr == Approx(s->gridLogSnrMin()).margin(1e-6));
            CHECK(curve.back().logSnr == Approx(s->gridLogSnrMax()).margin(1e-6));
        }
    }
}

TEST_CASE("denoising error: on mixtures the exact model's MSE matches its Bayes error",
          "[denoising-error]") {
    // E||D*(x_t) - x0||^2 = E tr Cov[x0 | x_t]: the MSE (Monte Carlo over x0 and eps) and the
    // Bayes error (Monte Carlo over x_t of the closed-form covariance) agree within their errors.
    for (const GmmParams& g : {anisotropic(), makeGmm8(1, 0.1, 0).gmm.value()}) {
        const GmmDenoiser exact(g);
        const Matrix data = sampleGmm(g, 5000, 8, "mix").points;
        const auto s = makeSchedule("vp-linear");
        DenoisingErrorOptions o;
        o.samples = 4000;
        o.seed = 5;
        int within2 = 0;
        const auto curve = denoisingErrorCurve(exact, &exact, *s, data, o);
        for (const DenoisingErrorPoint& p : curve) {
            INFO("logSNR " << p.logSnr << " mse " << p.mse << " bayes " << p.bayes);
            const double se = std::hypot(p.mseSe, p.bayesSe);
            CHECK(std::abs(p.mse - p.bayes) < 4 * se);
            within2 += std::abs(p.mse - p.bayes) < 2 * se;
            CHECK(p.bayesSe < p.mseSe); // the closed-form covariance has less variance
        }
        CHECK(within2 >= 18); // about 95% of 24 are within 2 standard errors
    }
}

TEST_CASE("denoising error: another model's MSE is at or above the Bayes error",
          "[denoising-error]") {
    // A memorising model (the ideal denoiser of 40 points) and a wrong mixture (means shifted),
    // on fresh data of the true mixture: E||D - x0||^2 = E||D - D*||^2 + E tr Cov >= Bayes.
    const GmmParams g = anisotropic();
    GmmParams wrong = g;
    wrong.means[0] += Vector{{0.3, 0.2}};
    const GmmDenoiser exact(g), shifted(wrong);
    const IdealDenoiser memorising(sampleGmm(g, 40, 1, "few").points);
    const Matrix data = sampleGmm(g, 5000, 2, "fresh").points;
    const auto s = makeSchedule("cosine");
    DenoisingErrorOptions o;
    o.samples = 3000;
    for (const Denoiser* model :
         {static_cast<const Denoiser*>(&shifted), static_cast<const Denoiser*>(&memorising)}) {
        double excess = 0;
        for (const DenoisingErrorPoint& p : denoisingErrorCurve(*model, &exact, *s, data, o)) {
            INFO(model->name() << " logSNR " << p.logSnr);
            CHECK(p.mse > p.bayes - 3 * std::hypot(p.mseSe, p.bayesSe));
            excess += p.mse - p.bayes;
            // The decomposition E||D - x0||^2 = E||D - D*||^2 + E tr Cov[x0 | x_t].
            REQUIRE(p.hasGap);
            CHECK(std::abs(p.mse - p.bayes - p.gap) <
                  4 * std::sqrt(p.mseSe * p.mseSe + p.bayesSe * p.bayesSe + p.gapSe * p.gapSe));
        }
        CHECK(excess > 0.05);
    }
}

TEST_CASE("denoising error: the implied weightings of Section 2.3", "[denoising-error]") {
    const auto rf = makeSchedule("rf");
    const auto vp = makeSchedule("vp-linear");
    for (double t : {0.1, 0.4, 0.8}) {
        const NoiseLevel l = rf->at(t);
        const ImpliedWeights w = impliedWeights(l);
        CHECK(w.velocity == Approx(1 / (t * t))); // rectified flow: ||u_hat - u||^2 = ||.||^2 / t^2
        CHECK(w.eps == Approx(std::exp(rf->logSnr(t))));
        CHECK(w.score == Approx(l.alpha * l.alpha / std::pow(l.sigma, 4)));
        const ImpliedWeights wv = impliedWeights(vp->at(t));
        CHECK(wv.v == Approx(1 / std::pow(vp->at(t).sigma, 2))); // VP: alpha^2 + sigma^2 = 1
    }
}

TEST_CASE("denoising error: bad input is named", "[denoising-error]") {
    const GmmDenoiser m(test::isotropicGaussian(Vector{{0.0, 0.0}}, 1.0));
    const auto s = makeSchedule("vp-linear");
    CHECK(contains(errorOf<UsageError>([&] { denoisingErrorCurve(m, &m, *s, Matrix(0, 2), {}); }),
                   "needs data points"));
    CHECK(contains(
        errorOf<UsageError>([&] { denoisingErrorCurve(m, &m, *s, Matrix::Zero(5, 3), {}); }),
        "the data have 3 dimensions, the model 2"));
    DenoisingErrorOptions o;
    o.points = 1;
    CHECK(contains(
        errorOf<UsageError>([&] { denoisingErrorCurve(m, &m, *s, Matrix::Zero(5, 2), o); }),
        "at least 2 levels"));
}
