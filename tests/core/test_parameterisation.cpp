// Tests of the prediction conversions (core/parameterisation.hpp): every kind against its
// definition written out here (diffusion-math.md Section 2.2), and fromX0 -> toX0 round trips
// for every kind, every schedule and several t in (0, 1).
#include "core/errors.hpp"
#include "core/parameterisation.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace dfs;
using dfs::test::maxAbsDiff;

namespace {

const Prediction kAll[] = {Prediction::X0,    Prediction::Eps,      Prediction::V,
                           Prediction::Score, Prediction::Velocity, Prediction::Edm};
const double kTimes[] = {0.02, 0.1, 0.35, 0.5, 0.75, 0.95};

} // namespace

TEST_CASE("parameterisation: names round-trip and unknown names throw", "[param]") {
    for (Prediction p : kAll) {
        CHECK(parseTrainTarget(predictionName(p)) == p);
        if (p != Prediction::Edm) CHECK(parsePrediction(predictionName(p)) == p);
    }
    CHECK(predictionName(Prediction::Velocity) == "velocity");
    CHECK_THROWS_AS(parsePrediction("noise"), UsageError);
    // edm is a training target, not a quantity a view shows.
    CHECK(parseTrainTarget("edm") == Prediction::Edm);
    CHECK_THROWS_AS(parsePrediction("edm"), UsageError);
}

TEST_CASE("parameterisation: each kind matches its definition", "[param]") {
    // Build x_t = alpha x0 + sigma eps from known x0 and eps: then fromX0 must return the true
    // eps, v = alpha eps - sigma x0, score = -eps/sigma and u = alpha' x0 + sigma' eps.
    const Matrix x0 = test::normals(1, 16, 2);
    const Matrix eps = test::normals(2, 16, 2);
    for (const auto& [name, _] : listSchedules()) {
        const auto s = makeSchedule(name);
        for (double t : kTimes) {
            INFO(name << " t = " << t);
            const NoiseLevel l = s->at(t);
            const double a = l.alpha, sg = l.sigma, ad = l.alphaDot, sd = l.sigmaDot;
            Matrix x(16, 2), v(16, 2), score(16, 2), u(16, 2);
            for (Index i = 0; i < 16; ++i)
                for (Index j = 0; j < 2; ++j) {
                    x(i, j) = a * x0(i, j) + sg * eps(i, j);
                    v(i, j) = a * eps(i, j) - sg * x0(i, j);
                    score(i, j) = -(x(i, j) - a * x0(i, j)) / (sg * sg);
                    u(i, j) = ad * x0(i, j) + sd * eps(i, j);
                }
            const double tol = 1e-12 * (1 + std::abs(sd) + 1 / (sg * sg));
            CHECK(maxAbsDiff(fromX0(Prediction::X0, x, x0, l), x0) == 0.0);
            CHECK(maxAbsDiff(fromX0(Prediction::Eps, x, x0, l), eps) < 1e-12 / sg);
            CHECK(maxAbsDiff(fromX0(Prediction::V, x, x0, l), v) < 1e-12 / sg);
            CHECK(maxAbsDiff(fromX0(Prediction::Score, x, x0, l), score) < tol);
            CHECK(maxAbsDiff(fromX0(Prediction::Velocity, x, x0, l), u) < tol);
            // Score = -eps/sigma (Vincent 2010) with the true eps.
            CHECK(maxAbsDiff(fromX0(Prediction::Score, x, x0, l), -eps / sg) < tol);
        }
    }
}

TEST_CASE("parameterisation: written-out inversions of Section 2.2", "[param]") {
    const Matrix x0 = test::normals(3, 8, 2);
    const Matrix eps = test::normals(4, 8, 2);
    for (const auto& [name, _] : listSchedules()) {
        const auto s = makeSchedule(name);
        for (double t : kTimes) {
            INFO(name << " t = " << t);
            const NoiseLevel l = s->at(t);
            const Matrix x = l.alpha * x0 + l.sigma * eps;
            const Matrix v = l.alpha * eps - l.sigma * x0;
            const double n2 = l.alpha * l.alpha + l.sigma * l.sigma;
            // Salimans & Ho: x0 = (alpha x - sigma v)/(alpha^2 + sigma^2).
            CHECK(maxAbsDiff(toX0(Prediction::V, x, v, l), (l.alpha * x - l.sigma * v) / n2) <
                  1e-12);
            CHECK(maxAbsDiff(toX0(Prediction::V, x, v, l), x0) < 1e-12);
            // Tweedie: x0 = (x + sigma^2 s)/alpha.
            const Matrix score = -eps / l.sigma;
            CHECK(maxAbsDiff(toX0(Prediction::Score, x, score, l), x0) < 1e-12 / l.alpha);
        }
    }
    // Rectified flow: u = eps - x0 = (x - x0)/t, x0 = x - t u.
    const auto rf = makeSchedule("rf");
    for (double t : kTimes) {
        const NoiseLevel l = rf->at(t);
        const Matrix x = (1 - t) * x0 + t * eps;
        const Matrix u = fromX0(Prediction::Velocity, x, x0, l);
        CHECK(maxAbsDiff(u, eps - x0) < 1e-12 / t);
        CHECK(maxAbsDiff(u, (x - x0) / t) < 1e-12 / t);
        CHECK(maxAbsDiff(toX0(Prediction::Velocity, x, u, l), x - t * u) < 1e-12);
    }
}

TEST_CASE("parameterisation: training targets convert back to x0 and imply their weights",
          "[param]") {
    // The scalar path (training targets, the learned denoiser's output) on every kind with
    // sigma_data = 0.8, against the definitions and x0-space error factors of Section 2.3.
    for (const auto& [name, text] : listSchedules()) {
        const auto s = makeSchedule(name);
        for (double t : {0.05, 0.3, 0.7, 0.95}) {
            const NoiseLevel l = s->at(t);
            const double x0 = 0.7, eps = -1.3, x = l.alpha * x0 + l.sigma * eps, sd = 0.8;
            for (Prediction tt : kAll) {
                INFO(name << " t=" << t << " target " << predictionName(tt));
                const double y = predictionOf(tt, x, x0, eps, l, sd);
                CHECK(toX0(tt, x, y, l, sd) == Approx(x0).epsilon(1e-9));
                CHECK(fromX0(tt, x, x0, l, sd) == Approx(y).epsilon(1e-9));
                // A prediction off by dy in target space is off by dy / sqrt(factor) in x0.
                const double dy = 1e-3 * std::max(1.0, std::abs(y));
                const double dx0 = toX0(tt, x, y + dy, l, sd) - x0;
                CHECK(dy * dy / (dx0 * dx0) ==
                      Approx(predictionErrorFactor(tt, l, sd)).epsilon(1e-5));
            }
            // Written out: v = alpha eps - sigma x0; F = (x0 - c_skip x)/c_out (Karras eq. 8).
            CHECK(predictionOf(Prediction::V, x, x0, eps, l, sd) ==
                  Approx(l.alpha * eps - l.sigma * x0));
            CHECK(predictionOf(Prediction::Edm, x, x0, eps, l, sd) ==
                  Approx((x0 - edmSkip(l, sd) * x) / edmOut(l, sd)));
        }
    }
}

TEST_CASE("parameterisation: round trips; scalars, batches and affine coefficients agree",
          "[param]") {
    const Matrix x = 1.5 * test::normals(5, 32, 3);
    const Matrix x0 = test::normals(6, 32, 3);
    for (const auto& [name, _] : listSchedules()) {
        const auto s = makeSchedule(name);
        for (double t : kTimes) {
            const NoiseLevel l = s->at(t);
            for (Prediction p : kAll) {
                INFO(name << " t = " << t << " " << predictionName(p));
                const Matrix pred = fromX0(p, x, x0, l, 0.7);
                REQUIRE(pred.allFinite());
                // Rounding is amplified by 1/alpha (eps, score) and by the conditioning of the
                // 2x2 systems; 1e-10 relative to the data's scale is well above both here.
                CHECK(maxAbsDiff(toX0(p, x, pred, l, 0.7), x0) < 1e-10 * (1 + 1 / l.alpha));
                const PredictionCoefficients c = fromX0Coefficients(p, l, 0.7);
                const Matrix affine = c.x * x + c.x0 * x0;
                const double scale = 1 + pred.cwiseAbs().maxCoeff();
                CHECK(maxAbsDiff(pred, affine) < 1e-12 * scale);
                for (Index i = 0; i < x.rows(); ++i) {
                    CHECK(fromX0(p, x(i, 1), x0(i, 1), l, 0.7) == pred(i, 1));
                    CHECK(toX0(p, x(i, 1), pred(i, 1), l, 0.7) == toX0(p, x, pred, l, 0.7)(i, 1));
                }
            }
        }
    }
}
