// Accuracy tests of the samplers (core/samplers) against closed forms for Gaussian data
// (diffusion-math.md Section 4.3): Euler/DDIM converge at order 1 and Heun/DPM-Solver++(2M) at
// order 2 to the exact PF-ODE solution, and every sampler reproduces N(mu, c^2 I). Also: heun
// and Euler-Maruyama sample gmm8 within sampling error (energy distance), the ODE driven by the
// ideal denoiser memorises its training set (Section 4.2), and DDPM equals DDIM with eta = 1.
#include "core/backend/cpu_backend.hpp"
#include "core/datasets/gmm_datasets.hpp"
#include "core/denoisers/gmm_denoiser.hpp"
#include "core/denoisers/ideal_denoiser.hpp"
#include "core/metrics/energy_distance.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

using namespace dfs;
using dfs::test::runSampler;

namespace {

/// Exact PF-ODE trajectory for data N(mu, c^2 I) (diffusion-math.md 4.3): with z constant,
/// x_t = alpha_t mu + sqrt(alpha_t^2 c^2 + sigma_t^2) z.
Matrix exactOdePoint(const Schedule& s, const Vector& mu, double c, const Matrix& z, double t) {
    const double a = s.alpha(t), sg = s.sigma(t);
    return (std::sqrt(a * a * c * c + sg * sg) * z).rowwise() + a * mu.transpose();
}

/// Error of an ODE sampler on its default Karras grid (Karras et al. 2022, eq. 5), against the
/// exact trajectory at the last grid point before the final step to sigma = 0 (sigma~ = 0.002
/// for every N), starting exactly on the trajectory at t_0.
double odeError(const std::string& sampler, const Schedule& s, const GmmDenoiser& d,
                const Vector& mu, double c, const Matrix& z, int steps) {
    CpuBackend backend(1);
    const auto grid = makeTimeGrid(s, GridSpacing::Karras, steps);
    const Matrix x0 = exactOdePoint(s, mu, c, z, grid.front());
    const auto frames = runSampler(sampler, s, d, backend, grid, x0, 0).frames;
    const Frame& f = frames[std::size_t(steps - 1)];
    return (f.x - exactOdePoint(s, mu, c, z, f.t)).cwiseAbs().maxCoeff();
}

} // namespace

TEST_CASE("samplers: Euler is first order and Heun second order on Gaussian data",
          "[samplers][order]") {
    const Vector mu{{0.5, -0.3}};
    const double c = 0.4;
    const GmmDenoiser d(test::isotropicGaussian(mu, c));
    const Matrix x1 = test::normals(61, 64, 2);
    for (const char* name : {"vp-linear", "cosine", "ve", "edm", "rf"}) {
        const auto s = makeSchedule(name);
        const double e[3] = {odeError("euler", *s, d, mu, c, x1, 20),
                             odeError("euler", *s, d, mu, c, x1, 40),
                             odeError("euler", *s, d, mu, c, x1, 80)};
        const double h[3] = {odeError("heun", *s, d, mu, c, x1, 20),
                             odeError("heun", *s, d, mu, c, x1, 40),
                             odeError("heun", *s, d, mu, c, x1, 80)};
        INFO(name << " euler errors " << e[0] << " " << e[1] << " " << e[2]);
        INFO(name << " heun errors " << h[0] << " " << h[1] << " " << h[2]);
        for (int i = 0; i < 2; ++i) {
            CHECK(e[i] / e[i + 1] >= 1.6);
            CHECK(e[i] / e[i + 1] <= 2.5);
            CHECK(h[i] / h[i + 1] >= 3.0);
            CHECK(h[i] / h[i + 1] <= 5.5);
        }
        CHECK(h[2] < e[2]);
    }
}

TEST_CASE("samplers: DDIM is first order and DPM-Solver++(2M) second order in log-SNR",
          "[samplers][order]") {
    // On their default (uniform log-SNR) grid, against the exact trajectory at every grid point
    // before the final jump to t = 0. That jump is first order by design (x_0 = D, DDIM's last
    // step and DPM-Solver's lower_order_final): it leaves an O(sigma_L^2) error that does not
    // shrink with N, so it is bounded separately. (On a uniform-t grid DPM-Solver's steps near
    // t = 0 stay O(1) in log-SNR for VP schedules and the 2M order is not visible; an
    // independent Python transcription of Lu et al.'s Alg. 2 shows the same.)
    const Vector mu{{0.5, -0.3}};
    const double c = 0.4;
    const GmmDenoiser d(test::isotropicGaussian(mu, c));
    const Matrix z = test::normals(62, 64, 2);
    CpuBackend backend(1);
    const auto exactAt = [&](const Schedule& s, double t) {
        const NoiseLevel l = s.at(t);
        return Matrix((std::sqrt(l.alpha * l.alpha * c * c + l.sigma * l.sigma) * z).rowwise() +
                      l.alpha * mu.transpose());
    };
    for (const char* name : {"vp-linear", "ve", "rf"}) {
        const auto s = makeSchedule(name);
        for (const char* sampler : {"ddim", "dpmpp-2m"}) {
            double e[3], finalErr = 0;
            for (int k = 0; k < 3; ++k) {
                const auto grid = makeTimeGrid(*s, GridSpacing::UniformLogSnr, 20 << k);
                const auto out = runSampler(sampler, *s, d, backend, grid, exactAt(*s, grid[0]), 0);
                e[k] = 0;
                for (std::size_t i = 1; i + 1 < grid.size(); ++i)
                    e[k] = std::max(e[k], test::maxAbsDiff(out.frames[i].x, exactAt(*s, grid[i])));
                finalErr = test::maxAbsDiff(out.x, exactAt(*s, 0.0));
            }
            INFO(name << " " << sampler << " errors " << e[0] << " " << e[1] << " " << e[2]
                      << ", final " << finalErr);
            const bool second = std::string(sampler) == "dpmpp-2m";
            for (int k = 0; k < 2; ++k) {
                CHECK(e[k] / e[k + 1] >= (second ? 3.0 : 1.6));
                CHECK(e[k] / e[k + 1] <= (second ? 5.5 : 2.5));
            }
            CHECK(finalErr < e[2] + 2e-3);
        }
    }
}

TEST_CASE("samplers: every sampler reproduces a 2D Gaussian's mean and covariance",
          "[samplers][gauss]") {
    // Data N(mu, c^2 I), exact denoiser, vp-linear, each sampler's default grid. Tolerances are
    // 5 standard errors at n = 10000: mean c/sqrt(n) per axis, variance c^2 sqrt(2/n), covariance
    // c^2/sqrt(n). Step counts keep the discretisation bias below about 2% of c^2 (DDPM and DDIM
    // plug D into the posterior and lose variance at O(1/N)). Annealed Langevin is not exact at
    // a finite number of steps per level (Song & Ermon 2019); it gets 15% on the variance.
    const Vector mu{{0.5, -0.3}};
    const double c = 0.4;
    const GmmDenoiser d(test::isotropicGaussian(mu, c));
    const auto s = makeSchedule("vp-linear");
    CpuBackend backend(2);
    const Index n = 10000;
    const std::map<std::string, int> steps = {{"ddpm", 1000},   {"ddim", 400}, {"euler", 200},
                                              {"heun", 50},     {"em", 200},   {"edm-sde", 200},
                                              {"dpmpp-2m", 50}, {"pc", 200},   {"langevin", 100}};
    for (const SamplerInfo& info : samplerRegistry()) {
        const auto grid = makeTimeGrid(*s, info.defaultGrid, steps.at(info.name));
        const Matrix x0 = SamplerRun::priorSample(*s, grid.front(), n, 2, 8);
        const Matrix x = runSampler(info.name, *s, d, backend, grid, x0, 8).x;
        const Eigen::RowVector2d m = x.colwise().mean();
        const Matrix centred = x.rowwise() - m;
        const Eigen::Matrix2d cov = centred.transpose() * centred / double(n - 1) / (c * c);
        INFO(info.name << ": mean " << m << ", covariance / c^2 " << cov.row(0) << " "
                       << cov.row(1));
        const double varTol = info.name == "langevin" ? 0.15 : 5 * std::sqrt(2.0 / n);
        CHECK((m - mu.transpose()).cwiseAbs().maxCoeff() < 5 * c / std::sqrt(n));
        CHECK(std::abs(cov(0, 0) - 1) < varTol);
        CHECK(std::abs(cov(1, 1) - 1) < varTol);
        CHECK(std::abs(cov(0, 1)) < 5 / std::sqrt(n));
    }
}

TEST_CASE("samplers: heun and Euler-Maruyama sample gmm8 with the exact denoiser",
          "[samplers][gmm]") {
    // Criterion: energy distance to fresh gmm8 data within 3x the data-vs-data energy distance
    // at the same n. For two independent samples of one law the V-statistic has mean
    // 2 E|X - X'| / n (its within-sample means include the n zero diagonal terms), but one
    // draw of it fluctuates by about its own size (0.5x to 1.6x over seeds here), so the
    // yardstick is that mean, with E|X - X'| measured on the fresh data.
    const Index n = 4000;
    const PointSet data = makeGmm8(n, kGmm8DefaultStd, 1);
    const Matrix fresh = makeGmm8(n, kGmm8DefaultStd, 2).points;
    double pairSum = 0;
    for (Index i = 0; i < n; ++i)
        pairSum += (fresh.rowwise() - fresh.row(i)).rowwise().norm().sum();
    const double floor = 2 * pairSum / (double(n) * double(n - 1)) / double(n);
    const double measured = energyDistance(fresh, makeGmm8(n, kGmm8DefaultStd, 3).points);
    INFO("data-vs-data energy distance: expected " << floor << ", one draw " << measured);
    CHECK(measured > 0.3 * floor);
    CHECK(measured < 3 * floor);
    const GmmDenoiser d(*data.gmm);
    const auto s = makeSchedule("vp-linear");
    CpuBackend backend(2);
    struct Case {
        const char* sampler;
        int steps;
    };
    for (const Case& c : {Case{"heun", 50}, Case{"em", 500}}) {
        const SamplerInfo& info = findSampler(c.sampler);
        const auto grid = makeTimeGrid(*s, info.defaultGrid, c.steps);
        const Matrix x0 = SamplerRun::priorSample(*s, grid.front(), n, 2, 7);
        const Matrix x = runSampler(c.sampler, *s, d, backend, grid, x0, 7).x;
        const double ed = energyDistance(x, fresh);
        INFO(c.sampler << " " << c.steps << " steps: energy distance " << ed);
        CHECK(ed < 3 * floor);
        // And it is far below the distance of the prior from the data.
        CHECK(ed < 0.05 * energyDistance(x0, fresh));
    }
}

TEST_CASE("samplers: the PF-ODE with the ideal denoiser returns training points",
          "[samplers][ideal]") {
    const Matrix train = makeGmm8(16, 0.3, 9).points;
    double minGap = 1e9; // smallest distance between two training points
    for (Index i = 0; i < 16; ++i)
        for (Index j = i + 1; j < 16; ++j)
            minGap = std::min(minGap, (train.row(i) - train.row(j)).norm());
    REQUIRE(minGap > 0.02);
    const IdealDenoiser d(train);
    CpuBackend backend(2);
    for (const char* name : {"vp-linear", "edm"}) {
        for (const char* sampler : {"heun", "euler"}) {
            const auto s = makeSchedule(name);
            const int steps = std::string(sampler) == "heun" ? 40 : 200;
            const auto grid = makeTimeGrid(*s, GridSpacing::Karras, steps);
            const Matrix x0 = SamplerRun::priorSample(*s, grid.front(), 200, 2, 4);
            const auto out = runSampler(sampler, *s, d, backend, grid, x0, 4);
            const Matrix& x = out.x;
            // The last grid point before t = 0 has the smallest noise level sigma_L; there
            // the posterior is one-hot, so D is a training point y and x = alpha y + sigma_L k
            // with k = eps_hat. The final step (Euler in t) leaves (sigma_L - t sigma_L') k,
            // at most sigma_L |k|: for vp-linear sigma ~ sqrt(t) near 0, so about sigma_L/2.
            const Frame& pre = out.frames[out.frames.size() - 2];
            double worst = 0;
            std::vector<int> hits(16, 0);
            for (Index i = 0; i < x.rows(); ++i) {
                Index k = 0;
                const double dist =
                    std::sqrt((train.rowwise() - x.row(i)).rowwise().squaredNorm().minCoeff(&k));
                worst = std::max(worst, dist);
                ++hits[std::size_t(k)];
                INFO("sample " << i << " at " << x.row(i) << ", nearest " << train.row(k));
                CHECK((pre.x0Hat.row(i) - train.row(k)).cwiseAbs().maxCoeff() < 1e-5);
                CHECK(dist <= pre.sigma * pre.epsHat.row(i).norm() + 1e-5);
            }
            INFO(name << " " << sampler << ": farthest sample is " << worst
                      << " from the training set; min gap " << minGap << ", sigma_L " << pre.sigma);
            // Memorised: every sample sits on a training point, far closer to it than any two
            // training points are to each other, and many different points are reached.
            CHECK(worst < 0.2 * minGap);
            CHECK(std::count_if(hits.begin(), hits.end(), [](int h) { return h > 0; }) >= 8);
        }
    }
}

TEST_CASE("samplers: ddpm equals ddim with eta = 1", "[samplers][ddpm]") {
    // ddpm.cpp samples q(x_s | x_t, x0 = D) (Ho et al. 2020, eq. 7); ddim.cpp with eta = 1 has
    // the same variance (Song et al. 2021a, eq. 16) and, written out, the same mean; both use
    // noise substream 0 and a noise-free last step, so they must agree to rounding.
    const PointSet data = makeGmm8(10, kGmm8DefaultStd, 0);
    const GmmDenoiser d(*data.gmm);
    CpuBackend backend(1);
    SamplerOptions eta1;
    eta1.eta = 1.0;
    for (const auto& [name, _] : listSchedules()) {
        INFO(name);
        const auto s = makeSchedule(name);
        const auto grid = makeTimeGrid(*s, GridSpacing::UniformT, 25);
        const Matrix x0 = SamplerRun::priorSample(*s, 1.0, 100, 2, 3);
        const auto a = runSampler("ddpm", *s, d, backend, grid, x0, 3);
        const auto b = runSampler("ddim", *s, d, backend, grid, x0, 3, eta1);
        for (std::size_t i = 0; i < a.frames.size(); ++i) {
            const double scale = 1 + a.frames[i].x.cwiseAbs().maxCoeff();
            INFO("frame " << i);
            CHECK(test::maxAbsDiff(a.frames[i].x, b.frames[i].x) < 1e-10 * scale);
        }
        // And eta = 0 differs from both (it adds no noise).
        const auto c = runSampler("ddim", *s, d, backend, grid, x0, 3);
        CHECK(test::maxAbsDiff(a.x, c.x) > 1e-3);
    }
}
