// The exact reverse kernel q(x_s | x_t) of a Gaussian mixture
// (core/denoisers/gmm_reverse_kernel.hpp) against identities it must satisfy: its weights are the
// mixture's responsibilities at t, its mean is the forward posterior's mean at x0 = D*(x_t) (the
// tower property), its covariance is var I + c0^2 Cov[x0 | x_t] (total covariance), and it is a
// normalised density.
#include "core/datasets/gmm_datasets.hpp"
#include "core/denoisers/gmm_denoiser.hpp"
#include "core/denoisers/gmm_reverse_kernel.hpp"
#include "core/denoisers/posterior.hpp"
#include "core/errors.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace dfs;

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

TEST_CASE("reverse kernel: responsibilities, tower-property mean and total covariance",
          "[reverse-kernel]") {
    for (const GmmParams& g : {makeGmm8(10, kGmm8DefaultStd, 0).gmm.value(), anisotropic()}) {
        const GmmDenoiser exact(g);
        for (const char* name : {"vp-linear", "cosine", "ve"}) {
            const auto sch = makeSchedule(name);
            for (const auto& [s, t] :
                 {std::pair{0.3, 0.35}, std::pair{0.05, 0.5}, std::pair{0.6, 0.9}}) {
                const NoiseLevel ls = sch->at(s), lt = sch->at(t);
                const auto post = exactPosterior(exact, lt);
                const ForwardPosterior f = forwardPosterior(ls, lt);
                for (const Vector& xt : {Vector{{0.4, -0.2}}, Vector{{1.2, 1.1}}}) {
                    INFO(name << " s " << s << " t " << t << " x_t " << xt.transpose());
                    const ReverseKernel k = gmmReverseKernel(g, ls, lt, xt);
                    const Vector w = exact.responsibilities(xt, lt);
                    for (int c = 0; c < g.size(); ++c)
                        CHECK(k.weights[std::size_t(c)] == Approx(w[c]).margin(1e-12));
                    const Posterior p = post->at(xt);
                    const Vector mean = f.c0 * p.mean + f.ct * xt;
                    CHECK((k.mean() - mean).norm() < 1e-10);
                    const Matrix cov = f.var * Matrix::Identity(2, 2) + f.c0 * f.c0 * p.cov;
                    CHECK((k.cov() - cov).norm() < 1e-10 * (1 + cov.norm()));
                }
            }
        }
    }
}

TEST_CASE("reverse kernel: a normalised density, Gaussian for one component", "[reverse-kernel]") {
    const GmmParams g = makeGmm8(10, kGmm8DefaultStd, 0).gmm.value();
    const auto sch = makeSchedule("vp-linear");
    const NoiseLevel ls = sch->at(0.4), lt = sch->at(0.5);
    const Vector xt{{0.3, 0.1}};
    const ReverseKernel k = gmmReverseKernel(g, ls, lt, xt);
    // Riemann sum over a window of +-8 standard deviations around the mean.
    const Vector m = k.mean();
    const double r = 8 * std::sqrt(k.cov().diagonal().maxCoeff());
    const int n = 400;
    Matrix x(n * n, 2);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            x.row(i * n + j) << m[0] - r + 2 * r * (j + 0.5) / n, m[1] - r + 2 * r * (i + 0.5) / n;
    const double cell = (2 * r / n) * (2 * r / n);
    CHECK(k.logDensity(x).array().exp().sum() * cell == Approx(1).epsilon(1e-4));
    // One component: q(x_s | x_t) is the Gaussian posterior N(m', C') in closed form.
    const GmmParams one = test::isotropicGaussian(Vector{{0.5, -0.5}}, 0.7);
    const ReverseKernel k1 = gmmReverseKernel(one, ls, lt, xt);
    const double a = lt.alpha / ls.alpha, b = lt.sigma * lt.sigma - a * a * ls.sigma * ls.sigma;
    const double C = ls.alpha * ls.alpha * 0.49 + ls.sigma * ls.sigma;
    const double var = 1 / (1 / C + a * a / b);
    CHECK(k1.covs[0](0, 0) == Approx(var).epsilon(1e-12));
    CHECK(k1.covs[0](0, 1) == Approx(0).margin(1e-14));
    const Vector mean = var * (ls.alpha * one.means[0] / C + (a / b) * xt);
    CHECK((k1.means[0] - mean).norm() < 1e-12);
    CHECK(test::contains(test::errorOf<UsageError>([&] { gmmReverseKernel(one, lt, ls, xt); }),
                         "does not fall"));
}
