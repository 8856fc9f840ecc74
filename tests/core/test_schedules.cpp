// Tests of the noise schedules (core/schedules): closed-form values from diffusion-math.md
// Section 2.1 written out here, derivatives against central finite differences, the log-SNR
// map and its inverse, and the sampler time grids (uniform, logsnr, karras).
#include "core/errors.hpp"
#include "core/schedules/schedule.hpp"
#include "core/schedules/schedule_spec.hpp"
#include "core/schedules/time_grid.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <numbers>
#include <optional>

using namespace dfs;

namespace {

constexpr double kPi = std::numbers::pi;

// Closed forms (diffusion-math.md Section 2.1, with the defaults the headers document).
// VP-SDE: alpha = exp(-t^2 (beta_max - beta_min)/4 - t beta_min/2), beta 0.1 .. 20.
double vpAlpha(double t) {
    return std::exp(-t * t * (20.0 - 0.1) / 4 - t * 0.1 / 2);
}
// Cosine: abar = c(t)/c(0), c(t) = cos^2(((t + s)/(1 + s)) pi/2), s = 0.008.
double cosineAbar(double t) {
    const auto c = [](double u) {
        const double v = std::cos((u + 0.008) / 1.008 * kPi / 2);
        return v * v;
    };
    return c(t) / c(0);
}
// VE: sigma = sigma_min (sigma_max/sigma_min)^t with 0.01 .. 10.
double veSigma(double t) {
    return 0.01 * std::pow(10.0 / 0.01, t);
}
// EDM: sigma = (sigma_min^(1/rho) + t (sigma_max^(1/rho) - sigma_min^(1/rho)))^rho.
double edmSigma(double t) {
    const double a = std::pow(0.002, 1 / 7.0), b = std::pow(80.0, 1 / 7.0);
    return std::pow(a + t * (b - a), 7.0);
}

/// (alpha, sigma) of the named schedule from the closed forms above.
std::pair<double, double> closedForm(const std::string& name, double t) {
    if (name == "vp-linear") return {vpAlpha(t), std::sqrt(1 - vpAlpha(t) * vpAlpha(t))};
    if (name == "cosine") return {std::sqrt(cosineAbar(t)), std::sqrt(1 - cosineAbar(t))};
    if (name == "ve") return {1.0, veSigma(t)};
    if (name == "edm") return {1.0, edmSigma(t)};
    if (name == "rf") return {1 - t, t};
    FAIL("no closed form for " << name);
    return {};
}

double centralDiff(const std::function<double(double)>& f, double t, double h) {
    return (f(t + h) - f(t - h)) / (2 * h);
}

const double kInterior[] = {0.001, 0.01, 0.05, 0.2, 0.4, 0.5, 0.6, 0.8, 0.95, 0.999};

} // namespace

TEST_CASE("schedules: the registry lists five schedules that it can build", "[schedules]") {
    const auto list = listSchedules();
    REQUIRE(list.size() == 5);
    for (const auto& [name, description] : list) {
        CHECK(makeSchedule(name)->name() == name);
        CHECK_FALSE(description.empty());
    }
    CHECK_THROWS_AS(makeSchedule("vp-cubic"), UsageError);
}

TEST_CASE("schedules: alpha and sigma match the closed forms", "[schedules]") {
    for (const auto& [name, _] : listSchedules()) {
        INFO(name);
        const auto s = makeSchedule(name);
        for (double t : {0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1.0}) {
            INFO("t = " << t);
            const auto [a, sg] = closedForm(name, t);
            CHECK(s->alpha(t) == Approx(a).epsilon(1e-12).margin(1e-15));
            CHECK(s->sigma(t) == Approx(sg).epsilon(1e-12));
        }
        CHECK(s->alpha(0) == Approx(1.0).epsilon(1e-15));
        CHECK(s->sigma(0) == 0.0);
    }
    // Values written out by hand.
    const auto vp = makeSchedule("vp-linear");
    CHECK(vp->alpha(1) == Approx(std::exp(-0.25 * 19.9 - 0.05)).epsilon(1e-14));
    CHECK(vp->alpha(0.5) == Approx(std::exp(-0.25 * 0.25 * 19.9 - 0.025)).epsilon(1e-14));
    CHECK(std::abs(makeSchedule("cosine")->alpha(1)) < 1e-15);
    CHECK(makeSchedule("cosine")->sigma(1) == Approx(1.0).epsilon(1e-15));
    CHECK(makeSchedule("ve")->sigma(1) == Approx(10.0).epsilon(1e-14));
    CHECK(makeSchedule("ve")->sigma(0.5) == Approx(std::sqrt(0.1)).epsilon(1e-14));
    CHECK(makeSchedule("edm")->sigma(1) == Approx(80.0).epsilon(1e-13));
    CHECK(makeSchedule("edm")->sigma(1e-12) == Approx(0.002).epsilon(1e-9));
    CHECK(makeSchedule("rf")->alpha(0.3) == Approx(0.7).epsilon(1e-15));
}

TEST_CASE("schedules: variance preserving, exploding and flow identities", "[schedules]") {
    for (double t : kInterior) {
        INFO("t = " << t);
        for (const char* vp : {"vp-linear", "cosine"}) {
            const auto s = makeSchedule(vp);
            CHECK(s->alpha(t) * s->alpha(t) + s->sigma(t) * s->sigma(t) == Approx(1.0));
        }
        for (const char* ve : {"ve", "edm"}) {
            CHECK(makeSchedule(ve)->alpha(t) == 1.0);
            CHECK(makeSchedule(ve)->alphaDot(t) == 0.0);
        }
        const auto rf = makeSchedule("rf");
        CHECK(rf->alpha(t) == 1 - t);
        CHECK(rf->sigma(t) == t);
        CHECK(rf->alphaDot(t) == -1.0);
        CHECK(rf->sigmaDot(t) == 1.0);
        // VP-SDE drift f = d log alpha/dt = -beta(t)/2, beta(t) = 0.1 + 19.9 t.
        const auto vpl = makeSchedule("vp-linear");
        CHECK(vpl->alphaDot(t) / vpl->alpha(t) == Approx(-(0.1 + 19.9 * t) / 2).epsilon(1e-12));
    }
}

TEST_CASE("schedules: derivatives match central finite differences", "[schedules]") {
    for (const auto& [name, _] : listSchedules()) {
        INFO(name);
        const auto s = makeSchedule(name);
        const auto alpha = [&](double t) { return s->alpha(t); };
        const auto sigma = [&](double t) { return s->sigma(t); };
        for (double t : {0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 0.98}) {
            INFO("t = " << t);
            // h = 1e-5: truncation h^2 f'''/6 and rounding 1e-16 |f| / h are both below 1e-7
            // of the derivative's scale here.
            const double h = 1e-5;
            CHECK(s->alphaDot(t) == Approx(centralDiff(alpha, t, h)).epsilon(1e-7).margin(1e-9));
            CHECK(s->sigmaDot(t) == Approx(centralDiff(sigma, t, h)).epsilon(1e-7).margin(1e-9));
        }
    }
}

TEST_CASE("schedules: at(t) holds exactly the values of the four functions", "[schedules]") {
    // A schedule may override at() to share work (cosine does); it must not change a value.
    for (const auto& [name, _] : listSchedules()) {
        INFO(name);
        const auto s = makeSchedule(name);
        for (double t : {0.0, 1e-9, 0.02, 0.3, 0.5, 0.98, 1.0}) {
            INFO("t = " << t);
            const NoiseLevel l = s->at(t);
            CHECK(l.t == t);
            CHECK(l.alpha == s->alpha(t));
            CHECK(l.sigma == s->sigma(t));
            CHECK(l.alphaDot == s->alphaDot(t));
            CHECK(l.sigmaDot == s->sigmaDot(t));
        }
    }
}

TEST_CASE("schedules: log-SNR is strictly decreasing and inverted by tFromLogSnr", "[schedules]") {
    for (const auto& [name, _] : listSchedules()) {
        INFO(name);
        const auto s = makeSchedule(name);
        CHECK(s->logSnr(0) == std::numeric_limits<double>::infinity());
        double prev = s->logSnr(0);
        for (int i = 1; i <= 2000; ++i) {
            const double t = i / 2000.0;
            const double l = s->logSnr(t);
            INFO("t = " << t);
            REQUIRE(l < prev);
            prev = l;
        }
        for (double t : kInterior) {
            INFO("t = " << t);
            const auto [a, sg] = closedForm(name, t);
            if (t >= 0.01) CHECK(s->logSnr(t) == Approx(2 * std::log(a / sg)).epsilon(1e-9));
            CHECK(s->tFromLogSnr(s->logSnr(t)) == Approx(t).epsilon(1e-9).margin(1e-12));
        }
        CHECK(s->tFromLogSnr(std::numeric_limits<double>::infinity()) == 0.0);
        CHECK(s->tFromLogSnr(-1e4) == Approx(1.0).margin(1e-12)); // below the range: t = 1
    }
}

TEST_CASE("schedules: noise levels at the ends stay finite where samplers use them",
          "[schedules]") {
    const auto cosine = makeSchedule("cosine");
    const NoiseLevel l = cosine->at(1.0);
    CHECK(std::isfinite(l.alpha));
    CHECK(std::isfinite(l.sigma));
    CHECK(std::isfinite(l.alphaDot));
    CHECK(std::isfinite(l.sigmaDot));
    CHECK(std::isfinite(l.halfLogSnr()));
    CHECK(l.sigma == Approx(1.0));
    // Grid bounds are finite for every schedule (cosine and rf have alpha(1) = 0).
    for (const auto& [name, _] : listSchedules()) {
        INFO(name);
        const auto s = makeSchedule(name);
        CHECK(std::isfinite(s->gridLogSnrMin()));
        CHECK(std::isfinite(s->gridLogSnrMax()));
        CHECK(s->gridLogSnrMin() >= -2 * std::log(80.0) - 1e-12);
        CHECK(s->gridLogSnrMax() <= -2 * std::log(0.002) + 1e-12);
        CHECK(s->gridLogSnrMin() < s->gridLogSnrMax());
    }
}

TEST_CASE("time grids: N + 1 strictly decreasing points from the start down to 0",
          "[schedules][grid]") {
    for (const auto& [name, _] : listSchedules()) {
        const auto s = makeSchedule(name);
        const double lamLo = s->gridLogSnrMin(), lamHi = s->gridLogSnrMax();
        // The doc: t_0 = 1 exactly where logSnr(1) is inside [lamLo, lamHi].
        const bool startsAtOne = s->logSnr(1.0) > -2 * std::log(80.0) + 1e-9;
        for (GridSpacing g :
             {GridSpacing::UniformT, GridSpacing::UniformLogSnr, GridSpacing::Karras}) {
            for (int n : {1, 2, 3, 10, 18, 100}) {
                INFO(name << " " << gridSpacingName(g) << " N = " << n);
                const std::vector<double> t = makeTimeGrid(*s, g, n);
                REQUIRE(t.size() == std::size_t(n) + 1);
                CHECK(t.back() == 0.0);
                for (std::size_t i = 1; i < t.size(); ++i) REQUIRE(t[i] < t[i - 1]);
                CHECK(t.front() <= 1.0);
                if (g == GridSpacing::UniformT) {
                    for (int i = 0; i <= n; ++i) CHECK(t[i] == Approx(1.0 - double(i) / n));
                    CHECK(t.front() == 1.0);
                    continue;
                }
                if (startsAtOne) CHECK(t.front() == 1.0);
                // The non-final points span [lamLo, lamHi] in log-SNR.
                const double l0 =
                    t.front() == 1.0 ? std::max(s->logSnr(1), lamLo) : s->logSnr(t.front());
                CHECK(l0 == Approx(lamLo).epsilon(1e-8).margin(1e-8));
                if (n >= 2) {
                    CHECK(s->logSnr(t[n - 1]) == Approx(lamHi).epsilon(1e-8));
                    // Spacing: equal steps in log-SNR, or in sigma~^(1/rho) (Karras eq. 5).
                    const auto coord = [&](double ti) {
                        const double lam = ti == 1.0 ? lamLo : s->logSnr(ti);
                        return g == GridSpacing::UniformLogSnr ? lam : std::exp(-lam / (2 * 7.0));
                    };
                    const double step = (coord(t[n - 1]) - coord(t[0])) / (n - 1);
                    for (int i = 1; i < n; ++i)
                        CHECK(coord(t[i]) - coord(t[i - 1]) ==
                              Approx(step).epsilon(1e-6).margin(1e-10));
                }
            }
        }
    }
}

TEST_CASE("time grids: bad requests throw UsageError", "[schedules][grid]") {
    const auto s = makeSchedule("vp-linear");
    for (GridSpacing g : {GridSpacing::UniformT, GridSpacing::UniformLogSnr, GridSpacing::Karras}) {
        CHECK_THROWS_AS(makeTimeGrid(*s, g, 0), UsageError);
        CHECK_THROWS_AS(makeTimeGrid(*s, g, -3), UsageError);
    }
    CHECK(parseGridSpacing("karras") == GridSpacing::Karras);
    CHECK(gridSpacingName(parseGridSpacing("logsnr")) == "logsnr");
    CHECK_THROWS_AS(parseGridSpacing("quadratic"), UsageError);
}

TEST_CASE("schedule specs set parameters and refuse bad ones by name") {
    const auto vp = makeSchedule("vp-linear(beta_max=10)");
    // log alpha(1) = -(b0 + b1) / 4 (Song et al. 2021, eq. 33).
    CHECK(std::log(vp->alpha(1.0)) == Approx(-(0.1 + 10) / 4));
    const auto edm = makeSchedule("edm(sigma_max = 20, rho=5)");
    CHECK(edm->sigma(1.0) / edm->alpha(1.0) == Approx(20));
    CHECK(makeSchedule("ve(sigma_max=3)")->sigma(1.0) == Approx(3));
    CHECK(formatScheduleSpec(parseScheduleSpec("edm(rho=7, sigma_max=20)")) == "edm(sigma_max=20)");
    CHECK(formatScheduleSpec(parseScheduleSpec("cosine")) == "cosine");
    auto err = [](const std::string& s) {
        return dfs::test::errorOf<UsageError>([&] { makeSchedule(s); });
    };
    CHECK(dfs::test::contains(err("vp-linear(beta_max=1e9)"), "beta_max must be in"));
    CHECK(dfs::test::contains(err("vp-linear(gamma=1)"), "unknown parameter 'gamma=1'"));
    CHECK(dfs::test::contains(err("ve(sigma_min=5, sigma_max=2)"),
                              "sigma_min must be below sigma_max"));
    CHECK(dfs::test::contains(err("edm(rho=abc)"), "not a number"));
    CHECK(dfs::test::contains(err("edm(rho=3"), "must end with ')'"));
    CHECK(dfs::test::contains(err("nope(a=1)"), "unknown schedule 'nope'"));
}

TEST_CASE("time grids: the Karras grid ends at each paper's sigma_min (edm 0.002, ve 0.01)",
          "[schedules][grid]") {
    struct Case {
        const char* name;
        double sigmaMin, sigmaMax;
    };
    for (const Case& c : {Case{"edm", 0.002, 80.0}, Case{"ve", 0.01, 10.0}}) {
        const auto s = makeSchedule(c.name);
        for (int steps : {2, 18, 40}) {
            INFO(c.name << ", " << steps << " steps");
            const std::vector<double> t = makeTimeGrid(*s, GridSpacing::Karras, steps, 7.0);
            REQUIRE(t.size() == std::size_t(steps) + 1);
            CHECK(t.back() == 0.0);
            CHECK(std::abs(s->at(t[std::size_t(steps) - 1]).sigmaTilde() - c.sigmaMin) < 1e-12);
            CHECK(s->at(t[0]).sigmaTilde() == Approx(c.sigmaMax).epsilon(1e-12));
            // Karras et al. 2022, eq. 5 (k-diffusion's get_sigmas_karras(n, sigma_min,
            // sigma_max, rho)): sigma_i = (max^(1/rho) + i/(n-1) (min^(1/rho) - max^(1/rho)))^rho.
            const double a = std::pow(c.sigmaMax, 1 / 7.0), b = std::pow(c.sigmaMin, 1 / 7.0);
            for (int i = 0; i < steps; ++i) {
                const double expected = std::pow(a + double(i) / (steps - 1) * (b - a), 7.0);
                CHECK(s->at(t[std::size_t(i)]).sigmaTilde() == Approx(expected).epsilon(1e-10));
            }
        }
    }
}

TEST_CASE("schedules: timeOfSigmaTilde accepts each schedule's sigma_min and sigma_max",
          "[schedules]") {
    for (const auto& [name, _] : listSchedules()) {
        INFO(name);
        const auto s = makeSchedule(name);
        // The ends of the sampler grids' span, in sigma~ = sigma / alpha.
        for (double lambda : {s->gridLogSnrMin(), s->gridLogSnrMax()}) {
            const double sigma = std::exp(-0.5 * lambda);
            const std::optional<double> t = s->timeOfSigmaTilde(sigma);
            REQUIRE(t.has_value());
            CHECK(*t > 0);
            CHECK(s->at(*t).sigmaTilde() == Approx(sigma).epsilon(1e-9));
        }
        CHECK(s->timeOfSigmaTilde(0.0) == 0.0);
        CHECK_FALSE(s->timeOfSigmaTilde(-1.0).has_value());
    }
    // The papers' values as typed, though sigma(1) of ve computes as 9.999999999999998.
    const auto ve = makeSchedule("ve"), edm = makeSchedule("edm");
    REQUIRE(ve->timeOfSigmaTilde(10.0).has_value());
    CHECK(*ve->timeOfSigmaTilde(10.0) == 1.0);
    REQUIRE(ve->timeOfSigmaTilde(0.01).has_value());
    CHECK(std::abs(ve->sigma(*ve->timeOfSigmaTilde(0.01)) - 0.01) < 1e-12);
    REQUIRE(edm->timeOfSigmaTilde(0.002).has_value());
    CHECK(std::abs(edm->sigma(*edm->timeOfSigmaTilde(0.002)) - 0.002) < 1e-12);
    REQUIRE(edm->timeOfSigmaTilde(80.0).has_value());
    // Outside the levels: above sigma_max, below sigma_min.
    CHECK_FALSE(ve->timeOfSigmaTilde(10.001).has_value());
    CHECK_FALSE(ve->timeOfSigmaTilde(0.009).has_value());
    CHECK_FALSE(edm->timeOfSigmaTilde(0.001).has_value());
    CHECK(std::abs(edm->sigmaTildeMin() - 0.002) < 1e-12);
}
