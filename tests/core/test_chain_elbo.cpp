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

namespace {

/// The exact (Bayes) denoiser of N(mu, c^2 I) in any dimension: D(x) = mu + k (x - alpha mu),
/// k = alpha c^2 / (alpha^2 c^2 + sigma^2) (the mixture denoiser stops at 16 dimensions).
class GaussianDenoiser final : public Denoiser {
public:
    GaussianDenoiser(Vector mu, double c) : m_mu(std::move(mu)), m_c(c) {}
    std::string name() const override { return "gaussian"; }
    int dim() const override { return int(m_mu.size()); }
    void denoiseRows(const Matrix& x, const NoiseLevel& l, Matrix& out, Index begin,
                     Index end) const override {
        const double k = l.alpha * m_c * m_c / (l.alpha * l.alpha * m_c * m_c + l.sigma * l.sigma);
        for (Index i = begin; i < end; ++i)
            out.row(i) = m_mu.transpose() + k * (x.row(i) - l.alpha * m_mu.transpose());
    }

private:
    Vector m_mu;
    double m_c;
};

} // namespace

TEST_CASE("ELBO: in 64 dimensions (an 8x8 image's) the Gaussian's terms hold; bits/dim = nats / "
          "(D ln 2)",
          "[elbo]") {
    const int d = 64;
    const double c = 0.45;
    Vector mu(d);
    for (int j = 0; j < d; ++j) mu[j] = 0.5 * std::sin(0.3 * j);
    const GaussianDenoiser exact(mu, c);
    const Matrix data = (c * test::normals(3, 20000, d)).rowwise() + mu.transpose();
    const auto sch = makeSchedule("vp-linear");
    const GaussianElbo want = gaussianElbo(*sch, mu, c, 100);
    ChainElboOptions o;
    o.steps = 100;
    o.samples = 3000;
    o.seed = 4;
    const ChainElbo e = chainElbo(exact, *sch, data, o);
    const double widen = 5 * std::sqrt(1 + double(o.samples) / 20000);
    CHECK(std::abs(e.prior - want.prior) <= widen * e.priorSe + 1e-12);
    CHECK(std::abs(e.reconstruction - want.reconstruction) <= widen * e.reconstructionSe);
    int far = 0;
    for (std::size_t k = 0; k < e.terms.size(); ++k)
        far += std::abs(e.terms[k].kl - want.steps[k]) > widen * e.terms[k].klSe;
    CHECK(far <= 1);
    CHECK(std::abs(e.total - want.total) <= widen * e.totalSe);
    // -log p_0 = (d/2) log(2 pi e c^2); the closed-form bound lies above it.
    const double nll = 0.5 * d * std::log(2 * kPi * std::numbers::e * c * c);
    CHECK(want.total > nll);
    CHECK(e.dim == d);
    CHECK(e.bitsPerDim() == Approx(e.total / (d * std::log(2.0))).epsilon(1e-14));
    CHECK(want.total / (d * std::log(2.0)) ==
          Approx(e.bitsPerDim()).margin(widen * e.totalSe / (d * std::log(2.0))));
}

namespace {

/// D(x) = m at every level: the discretised decoder's term is then free of the noise.
class ConstantDenoiser final : public Denoiser {
public:
    explicit ConstantDenoiser(Vector m) : m_m(std::move(m)) {}
    std::string name() const override { return "constant"; }
    int dim() const override { return int(m_m.size()); }
    void denoiseRows(const Matrix&, const NoiseLevel&, Matrix& out, Index begin,
                     Index end) const override {
        for (Index i = begin; i < end; ++i) out.row(i) = m_m.transpose();
    }

private:
    Vector m_m;
};

/// log (Phi(b) - Phi(a)) in long double (its range holds erfc far past double's underflow).
double referenceLogMass(long double a, long double b) {
    const long double r2 = std::sqrt(2.0L);
    if (a >= 0) return double(std::log(0.5L * (std::erfc(a / r2) - std::erfc(b / r2))));
    return double(std::log(0.5L * (std::erfc(-b / r2) - std::erfc(-a / r2))));
}

} // namespace

TEST_CASE("ELBO on 8-bit data: Ho et al.'s discretised decoder, in bits/dim", "[elbo]") {
    // The normal mass of an interval, in the bulk and far in both tails, against long double.
    const double inf = INFINITY;
    for (auto [a, b] : std::initializer_list<std::pair<double, double>>{{-0.3, 0.2},
                                                                        {1.0, 1.5},
                                                                        {-4.0, -3.9},
                                                                        {35.0, 35.01},
                                                                        {-60.0, -59.5},
                                                                        {45.0, inf},
                                                                        {-inf, -50.0},
                                                                        {-inf, 2.0},
                                                                        {0.5, inf},
                                                                        {29.9, 30.1}}) {
        INFO(a << " " << b);
        CHECK(logNormalMass(a, b) == Approx(referenceLogMass(a, b)).epsilon(1e-7));
    }
    CHECK(logNormalMass(-inf, inf) == 0.0);
    CHECK(snapToLevel(0.001, 256) == Approx(2 * 128.0 / 255 - 1));
    CHECK(snapToLevel(-7, 256) == -1.0);
    CHECK(snapToLevel(1.2, 256) == 1.0);
    // One data point in 3 "pixels": the lowest level, one off the grid (snapped), the highest.
    Matrix data(1, 3);
    data << -1.0, 0.001, 1.0;
    const Vector m{{-0.98, 0.01, 0.5}};
    const ConstantDenoiser model(m);
    const auto sch = makeSchedule("vp-linear");
    ChainElboOptions o;
    o.steps = 4;
    o.samples = 8;
    o.discreteLevels = 256;
    const ChainElbo e = chainElbo(model, *sch, data, o);
    CHECK(e.discreteLevels == 256);
    const double s0 = e.decoderStd, h = 1.0 / 255, x1 = snapToLevel(0.001, 256);
    const double want = -(referenceLogMass(-INFINITY, (-1 + h - m[0]) / s0) +
                          referenceLogMass((x1 - h - m[1]) / s0, (x1 + h - m[1]) / s0) +
                          referenceLogMass((1 - h - m[2]) / s0, INFINITY));
    CHECK(e.reconstruction == Approx(want).epsilon(1e-9));
    CHECK(e.reconstructionSe == Approx(0).margin(1e-9));
    // The step terms see the snapped x0: (SNR(s) - SNR(t))/2 ||x0 - m||^2.
    const Vector x0{{-1.0, x1, 1.0}};
    for (const ChainElboStep& k : e.terms) {
        const NoiseLevel ls = sch->at(k.s), lt = sch->at(k.t);
        const double w = 0.5 * (ls.alpha * ls.alpha / (ls.sigma * ls.sigma) -
                                lt.alpha * lt.alpha / (lt.sigma * lt.sigma));
        CHECK(k.kl == Approx(w * (x0 - m).squaredNorm()).epsilon(1e-12));
    }
    // Every term is a KL or a probability's -log: the bound of discrete data is >= 0.
    CHECK(e.reconstruction >= 0);
    CHECK(e.total >= e.reconstruction);
    CHECK(e.bitsPerDim() == Approx(e.total / (3 * std::log(2.0))));
    CHECK(!e.hasExact);
    o.discreteLevels = 1;
    CHECK(contains(errorOf<UsageError>([&] { chainElbo(model, *sch, data, o); }),
                   "at least 2 levels"));
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
