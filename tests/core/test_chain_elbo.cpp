// The chain's negative ELBO (core/metrics/chain_elbo.hpp) against closed forms: on one Gaussian
// N(mu, c^2 I) every term has one (the exact denoiser is linear in x_t), computed here from
// DDPM's posterior coefficients (Ho et al. 2020, eq. 7) rather than the SNR form the code uses;
// on gmm8 the bound lies above the exact -E log p_0 for every T and falls towards it as T grows.
#include "core/datasets/gmm_datasets.hpp"
#include "core/denoisers/gmm_denoiser.hpp"
#include "core/errors.hpp"
#include "core/io/table_io.hpp"
#include "core/metrics/chain_elbo.hpp"
#include "core/schedules/schedule.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

using namespace dfs;
using dfs::test::contains;
using dfs::test::errorOf;

namespace {

constexpr double kPi = std::numbers::pi;

/// The closed-form terms for data N(mu, c^2 I) and its exact denoiser.
struct GaussianElbo {
    double prior = 0, reconstruction = 0, total = 0;
    std::vector<double> steps; ///< i = 1..T
};

/// E||x0 - D(x_t)||^2 with D(x) = mu + k (x - alpha mu), k = alpha c^2 / (alpha^2 c^2 + sigma^2):
/// x0 - D = (1 - k alpha)(x0 - mu) - k sigma eps.
double gaussianError(int d, double c, const NoiseLevel& l) {
    const double k = l.alpha * c * c / (l.alpha * l.alpha * c * c + l.sigma * l.sigma);
    return d * ((1 - k * l.alpha) * (1 - k * l.alpha) * c * c + k * k * l.sigma * l.sigma);
}

GaussianElbo gaussianElbo(const Schedule& sch, const Vector& mu, double c, int T) {
    const int d = int(mu.size());
    const std::vector<double> t = chainElboGrid(sch, T);
    GaussianElbo g;
    const NoiseLevel top = sch.at(t.back());
    g.prior = top.alpha * top.alpha * (mu.squaredNorm() + d * c * c) / (2 * top.sigma * top.sigma);
    const NoiseLevel f = sch.at(t.front());
    const double s2 = (f.sigma / f.alpha) * (f.sigma / f.alpha);
    g.reconstruction = 0.5 * d * std::log(2 * kPi * s2) + gaussianError(d, c, f) / (2 * s2);
    g.total = g.prior + g.reconstruction;
    for (int i = 1; i <= T; ++i) {
        // q(x_s | x_t, x0) = N(c0 x0 + ct x_t, var I) and p_theta = the same at x0 = D(x_t).
        const NoiseLevel ls = sch.at(t[std::size_t(i - 1)]), lt = sch.at(t[std::size_t(i)]);
        const double a = lt.alpha / ls.alpha;
        const double b = lt.sigma * lt.sigma - a * a * ls.sigma * ls.sigma;
        const double c0 = ls.alpha * b / (lt.sigma * lt.sigma);
        const double var = b * ls.sigma * ls.sigma / (lt.sigma * lt.sigma);
        g.steps.push_back(c0 * c0 * gaussianError(d, c, lt) / (2 * var));
        g.total += g.steps.back();
    }
    return g;
}

} // namespace

TEST_CASE("ELBO: one Gaussian's terms equal their closed forms (DDPM posterior form)", "[elbo]") {
    const double c = 0.6;
    const Vector mu{{0.8, -0.4}};
    const GmmParams g = test::isotropicGaussian(mu, c);
    const GmmDenoiser exact(g);
    const Matrix data = sampleGmm(g, 40000, 5, "gauss").points;
    const double nll = 0.5 * 2 * std::log(2 * kPi * std::numbers::e * c * c);
    for (const char* name : {"vp-linear", "cosine", "rf", "ve", "edm"}) {
        const auto sch = makeSchedule(name);
        double previous = INFINITY;
        for (int T : {10, 100, 1000}) {
            INFO(name << " T " << T);
            const GaussianElbo want = gaussianElbo(*sch, mu, c, T);
            // The closed form itself lies above -log p_0 and falls as T grows.
            CHECK(want.total > nll);
            CHECK(want.total < previous);
            previous = want.total;
            ChainElboOptions o;
            o.steps = T;
            o.samples = T == 1000 ? 1000 : 4000;
            o.seed = 11;
            const ChainElbo e = chainElbo(exact, *sch, data, o, &g);
            REQUIRE(e.terms.size() == std::size_t(T));
            // The grid: uniform in logSNR from the schedule's smallest sampling level.
            REQUIRE(e.times.size() == std::size_t(T + 1));
            const double step = sch->logSnr(e.times[1]) - sch->logSnr(e.times[0]);
            CHECK(sch->logSnr(e.times[0]) == Approx(sch->gridLogSnrMax()));
            CHECK(sch->logSnr(e.times[std::size_t(T)]) - sch->logSnr(e.times[std::size_t(T - 1)]) ==
                  Approx(step));
            CHECK(e.decoderStd == Approx(sch->sigma(e.times[0]) / sch->alpha(e.times[0])));
            // The x0 are drawn from 40000 data points: allow for their own sampling error.
            const double widen = 5 * std::sqrt(1 + double(o.samples) / 40000);
            CHECK(std::abs(e.prior - want.prior) <= widen * e.priorSe + 1e-12);
            CHECK(std::abs(e.reconstruction - want.reconstruction) <= widen * e.reconstructionSe);
            int far = 0;
            for (std::size_t k = 0; k < e.terms.size(); ++k) {
                CHECK(e.terms[k].t == e.times[k + 1]);
                if (std::abs(e.terms[k].kl - want.steps[k]) > widen * e.terms[k].klSe) ++far;
            }
            CHECK(far <= std::max<int>(1, T / 200)); // 5 s.e. is rare; a few of 1000 may stray
            CHECK(std::abs(e.total - want.total) <= widen * e.totalSe);
            REQUIRE(e.hasExact);
            CHECK(e.exactNll == Approx(nll).margin(4 * e.exactNllSe));
            CHECK(e.total - e.exactNll > -3 * e.gapSe);
            CHECK(e.bitsPerDim() == Approx(e.total / (2 * std::log(2.0))));
        }
    }
}

TEST_CASE("ELBO: on gmm8 the bound is above -E log p_0 for every T and tightens as T grows",
          "[elbo]") {
    const PointSet d = makeGmm8(20000, kGmm8DefaultStd, 2);
    const GmmDenoiser exact(*d.gmm);
    const auto sch = makeSchedule("vp-linear");
    std::vector<ChainElbo> e;
    for (int T : {10, 100, 1000}) {
        ChainElboOptions o;
        o.steps = T;
        o.samples = T == 1000 ? 8000 : 2000;
        o.seed = 4;
        e.push_back(chainElbo(exact, *sch, d.points, o, &*d.gmm));
        const ChainElbo& b = e.back();
        REQUIRE(b.hasExact);
        INFO("T " << T << " total " << b.total << " +- " << b.totalSe << " exact " << b.exactNll
                  << " gap se " << b.gapSe);
        INFO("T " << T << " total " << b.total << " +- " << b.totalSe << " exact " << b.exactNll
                  << " gap " << b.total - b.exactNll << " +- " << b.gapSe);
        CHECK(b.total - b.exactNll > 3 * b.gapSe); // above, by more than the noise
    }
    // Falls with T, each step down by more than its noise.
    for (std::size_t k = 1; k < e.size(); ++k) {
        const double se = std::hypot(e[k - 1].gapSe, e[k].gapSe);
        CHECK(e[k - 1].total - e[k].total > 3 * se);
    }
    // Measured (seed 4; -E log p_0 = 0.305 nats on the same x0): gaps 9.50 +- 0.20 at T = 10,
    // 0.557 +- 0.033 at T = 100, 0.052 +- 0.012 at T = 1000. At T = 1000 the bound is within
    // 0.1 nats of -E log p_0.
    CHECK(e[2].total - e[2].exactNll < 0.1);
}

TEST_CASE("ELBO: a wrong model's bound is larger than the exact one's", "[elbo]") {
    // total(model) - total(exact) = sum_i w_i E||D - D*||^2 >= 0 on the same x0 and noise.
    const PointSet d = makeGmm8(5000, kGmm8DefaultStd, 1);
    const GmmDenoiser exact(*d.gmm), wide(isotropicGmm(d.gmm->means, 0.2));
    const auto sch = makeSchedule("cosine");
    ChainElboOptions o;
    o.steps = 50;
    o.samples = 1000;
    const ChainElbo a = chainElbo(exact, *sch, d.points, o), b = chainElbo(wide, *sch, d.points, o);
    CHECK(b.prior == a.prior);
    CHECK(b.stepSum() > a.stepSum());
    CHECK(b.total - a.total > 3 * std::hypot(a.totalSe, b.totalSe));
    CHECK(!a.hasExact);
}

TEST_CASE("ELBO: the table adds the terms from the prior down to the total", "[elbo]") {
    const PointSet d = makeGmm8(2000, kGmm8DefaultStd, 1);
    const GmmDenoiser exact(*d.gmm);
    ChainElboOptions o;
    o.steps = 20;
    o.samples = 200;
    const ChainElbo e = chainElbo(exact, *makeSchedule("vp-linear"), d.points, o);
    const Table t = chainElboTable(e);
    REQUIRE(t.rows.rows() == 22);
    CHECK(t.rows(21, 3) == e.prior);
    CHECK(t.rows(0, 3) == e.reconstruction);
    CHECK(t.rows(0, 5) == Approx(e.total).epsilon(1e-12));
    CHECK(t.rows(0, 5) == Approx(e.prior + e.stepSum() + e.reconstruction).epsilon(1e-12));
    CHECK(t.rows(1, 1) == e.times[0]);
    CHECK(t.rows(1, 2) == e.times[1]);
    CHECK(t.rows(20, 2) == e.times[20]);
}

TEST_CASE("ELBO: bad input is named", "[elbo]") {
    const PointSet d = makeGmm8(100, kGmm8DefaultStd, 1);
    const GmmDenoiser exact(*d.gmm);
    const auto sch = makeSchedule("rf");
    ChainElboOptions o;
    o.steps = 0;
    CHECK(contains(errorOf<UsageError>([&] { chainElbo(exact, *sch, d.points, o); }), "1 step"));
    o.steps = 10;
    CHECK(contains(errorOf<UsageError>([&] { chainElbo(exact, *sch, Matrix(5, 3), o); }),
                   "3 dimensions"));
}
