// Tests of the recurrent-network perspective's Jacobians (diffusion-math.md Sections 1.6, 4.1,
// 4.3): the closed-form denoiser Jacobian (alpha / sigma^2) Cov[x0 | x_t] against central
// differences of D; DDIM's cell on single-Gaussian data against its closed-form scalar; the
// product of the cells' Jacobians and the end-to-end one against central differences of the
// whole run.
#include "core/backend/cpu_backend.hpp"
#include "core/datasets/gmm_datasets.hpp"
#include "core/denoisers/denoiser_jacobian.hpp"
#include "core/denoisers/gmm_denoiser.hpp"
#include "core/denoisers/ideal_denoiser.hpp"
#include "core/denoisers/monte_carlo_denoiser.hpp"
#include "core/denoisers/posterior.hpp"
#include "core/samplers/step_jacobian.hpp"

#include "test_support.hpp"

#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <cmath>

using namespace dfs;

namespace {

GmmParams anisotropicPair() {
    GmmParams g;
    g.weights = {0.3, 0.7};
    g.means = {Vector{{1.0, -0.5}}, Vector{{-0.8, 0.9}}};
    Matrix c0(2, 2), c1(2, 2);
    c0 << 0.50, 0.20, 0.20, 0.10;
    c1 << 0.05, -0.02, -0.02, 0.30;
    g.covs = {c0, c1};
    return g;
}

/// Central differences (step h) of a map f from R^d to R^d at x.
template <typename F> Matrix centralDifferences(F&& f, const Vector& x, double h) {
    const Index d = x.size();
    Matrix j(d, d);
    for (Index k = 0; k < d; ++k) {
        Vector p = x, m = x;
        p[k] += h;
        m[k] -= h;
        j.col(k) = (f(p) - f(m)) / (2 * h);
    }
    return j;
}

SamplerRunConfig runConfig(const std::string& sampler, const Schedule& s, int steps,
                           std::uint64_t seed) {
    SamplerRunConfig c;
    c.sampler = &findSampler(sampler);
    c.grid = makeTimeGrid(s, c.sampler->defaultGrid, steps);
    c.seed = seed;
    c.firstParticle = 0;
    return c;
}

/// The final state of particle `particle` run from x with SamplerRun (the sampler's own loop).
Vector runOne(const Schedule& s, const Denoiser& model, SamplerRunConfig c, const Vector& x,
              std::uint32_t particle) {
    CpuBackend backend(1);
    c.firstParticle = particle;
    SamplerRun run(s, model, backend, c, x.transpose());
    while (!run.done()) run.step();
    return run.current().x.row(0).transpose();
}

} // namespace

TEST_CASE("denoiser Jacobian: (alpha/sigma^2) Cov[x0|x_t] equals central differences of D",
          "[jacobian]") {
    const auto s = makeSchedule("vp-linear");
    const GmmDenoiser gmm(anisotropicPair());
    const Matrix train = makeGmm8(200, 0.1, 4).points;
    const IdealDenoiser ideal(train);
    const Matrix xs = test::normals(5, 12, 2);
    for (double t : {0.1, 0.4, 0.8}) {
        const NoiseLevel l = s->at(t);
        const auto exactPost = exactPosterior(gmm, l);
        const auto idealPost = exactPosterior(ideal, l);
        for (Index i = 0; i < xs.rows(); ++i) {
            const Vector x = xs.row(i).transpose();
            INFO("t " << t << " point " << i);
            // Exact GMM: D in double precision, differenced directly (h = 1e-6).
            const auto j = denoiserJacobian(gmm, x, l);
            REQUIRE(j);
            const Matrix fd = denoiserJacobianFd(gmm, x, l, 1e-6);
            CHECK(test::maxAbsDiff(*j, fd) < 1e-6 * std::max(1.0, fd.cwiseAbs().maxCoeff()));
            // Symmetric positive semi-definite (a scaled covariance).
            CHECK(test::maxAbsDiff(*j, j->transpose()) < 1e-12);
            Eigen::SelfAdjointEigenSolver<Matrix> eig(*j);
            CHECK(eig.eigenvalues().minCoeff() > -1e-12);
            // Ideal denoiser: its kernel runs in single precision, so the difference quotient
            // is taken of the same posterior mean in double precision.
            const auto ji = denoiserJacobian(ideal, x, l);
            REQUIRE(ji);
            const Matrix fdi = centralDifferences(
                [&](const Vector& p) { return Vector(idealPost->at(p).mean); }, x, 1e-6);
            CHECK(test::maxAbsDiff(*ji, fdi) < 1e-6 * std::max(1.0, fdi.cwiseAbs().maxCoeff()));
            // ... and the float kernel agrees with it to its precision (h = 1e-3).
            CHECK(test::maxAbsDiff(*ji, denoiserJacobianFd(ideal, x, l, 1e-3)) <
                  2e-3 * std::max(1.0, fdi.cwiseAbs().maxCoeff()));
        }
    }
    // Models without a closed form here; bad input named.
    const MonteCarloDenoiser mc(gmm, 10, 1);
    CHECK_FALSE(denoiserJacobian(mc, Vector::Zero(2), s->at(0.5)));
    CHECK(test::contains(test::errorOf<UsageError>(
                             [&] { (void)denoiserJacobian(gmm, Vector::Zero(3), s->at(0.5)); }),
                         "x has 3 coordinates"));
    CHECK(test::contains(test::errorOf<UsageError>(
                             [&] { (void)denoiserJacobian(gmm, Vector::Zero(2), s->at(0.0)); }),
                         "sigma > 0"));
}

TEST_CASE("step Jacobian: DDIM on N(mu, c^2 I) is a closed-form scalar times I per step",
          "[jacobian]") {
    // D(x) = mu + k (x - alpha mu), k = alpha c^2 / (alpha^2 c^2 + sigma^2) (Section 4.3), and
    // DDIM's cell x' = a x + b D with a = sigma'/sigma, b = alpha' - alpha sigma'/sigma
    // (Section 1.6), so J = (a + b k) I.
    const Vector mu{{0.5, -0.3}};
    const double c = 0.7;
    const GmmDenoiser model(test::isotropicGaussian(mu, c));
    for (const char* name : {"vp-linear", "cosine", "ve", "rf"}) {
        INFO(name);
        const auto s = makeSchedule(name);
        const SamplerRunConfig cfg = runConfig("ddim", *s, 12, 3);
        const UnrolledJacobian u = unrollJacobians(*s, cfg, model, Vector{{1.2, -0.4}}, 0);
        REQUIRE(u.cells.size() == 12);
        for (const CellJacobian& cell : u.cells) {
            INFO("step " << cell.step);
            const NoiseLevel l = s->at(cell.t), n = s->at(cell.tNext);
            const double a = n.sigma / l.sigma, b = n.alpha - l.alpha * n.sigma / l.sigma;
            const double k = l.alpha * c * c / (l.alpha * l.alpha * c * c + l.sigma * l.sigma);
            CHECK(cell.a == Approx(a).margin(1e-12));
            CHECK(cell.b == Approx(b).margin(1e-12));
            CHECK(cell.c == 0.0);
            CHECK(cell.nfe == 1);
            const Matrix expected = (a + b * k) * Matrix::Identity(2, 2);
            CHECK(test::maxAbsDiff(cell.jacobian, expected) < 1e-10);
            CHECK(cell.singularValues[0] == Approx(std::abs(a + b * k)).margin(1e-10));
            CHECK(cell.logAbsDet == Approx(2 * std::log(std::abs(a + b * k))).margin(1e-9));
        }
    }
}

TEST_CASE("step Jacobian: the cells' product is the run's Jacobian dx_N/dx_T", "[jacobian]") {
    // gmm8 with wide components, so that the Jacobians stay of moderate size.
    const GmmDenoiser model(*makeGmm8(1, 0.3, 0).gmm);
    const auto s = makeSchedule("vp-linear");
    const Vector xT{{0.4, -0.9}};
    const std::uint32_t particle = 7;
    for (const char* sampler : {"ddim", "euler", "heun", "ddpm", "dpmpp-2m", "edm-sde"}) {
        INFO(sampler);
        const SamplerRunConfig cfg = runConfig(sampler, *s, 10, 21);
        const UnrolledJacobian u = unrollJacobians(*s, cfg, model, xT, particle);
        REQUIRE(u.exactJacobian);
        // The unrolled path is the sampler's own run of this particle (its noise included).
        CHECK((u.path.back() - runOne(*s, model, cfg, xT, particle)).cwiseAbs().maxCoeff() < 1e-9);
        const Matrix fd = centralDifferences(
            [&](const Vector& x) { return runOne(*s, model, cfg, x, particle); }, xT, 1e-6);
        const double scale = std::max(1.0, fd.cwiseAbs().maxCoeff());
        CHECK(test::maxAbsDiff(u.endToEnd, fd) < 1e-5 * scale);
        if (std::string(sampler) != "dpmpp-2m") // one-step cells: the chain rule is the product
            CHECK(test::maxAbsDiff(cellProduct(u, 0, int(u.cells.size())), u.endToEnd) <
                  1e-10 * scale);
    }
    // Heun's cell calls D twice (one on the last step); DDPM's has noise.
    const auto heun = unrollJacobians(*s, runConfig("heun", *s, 10, 1), model, xT, 0);
    CHECK(heun.cells.front().nfe == 2);
    CHECK(heun.cells.back().nfe == 1);
    CHECK(unrollJacobians(*s, runConfig("ddpm", *s, 10, 1), model, xT, 0).cells.front().c > 0);
    // The predictor-corrector is not an affine cell; a wrong dimension is named.
    CHECK(test::contains(test::errorOf<UsageError>(
                             [&] { unrollJacobians(*s, runConfig("pc", *s, 5, 1), model, xT, 0); }),
                         "affine"));
    CHECK(test::contains(test::errorOf<UsageError>([&] {
                             unrollJacobians(*s, runConfig("ddim", *s, 5, 1), model,
                                             Vector::Zero(3), 0);
                         }),
                         "3 coordinates"));
}

TEST_CASE("step Jacobian: along the PF-ODE, log|det dx_i/dx_T| = log p_T(x_T) - log p_t(x_i)",
          "[jacobian]") {
    // The flow transports density (change of variables; diffusion-math.md Sections 1.5, 1.6):
    // p_t(x_i) |det dx_i/dx_T| = p_T(x_T) for the exact ODE, so Heun's unrolled Jacobian meets
    // the mixture's closed-form log-densities up to its discretisation error.
    const GmmDenoiser model(*makeGmm8(1, 0.1, 0).gmm);
    const auto s = makeSchedule("vp-linear");
    const SamplerRunConfig cfg = runConfig("heun", *s, 200, 0);
    const Matrix starts = test::normals(8, 4, 2);
    for (Index p = 0; p < starts.rows(); ++p) {
        INFO("start " << p);
        const UnrolledJacobian u = unrollJacobians(*s, cfg, model, starts.row(p).transpose(), 0);
        const std::size_t last = u.path.size() - 2; // the last grid time with sigma > 0
        Matrix pts(2, 2);
        pts.row(0) = u.path.front().transpose();
        pts.row(1) = u.path[last].transpose();
        Vector logT(2), logt(2);
        model.logDensityRows(pts, s->at(cfg.grid.front()), logT, 0, 1);
        model.logDensityRows(pts, s->at(cfg.grid[last]), logt, 1, 2);
        const double logDet = std::log(std::abs(u.fromStart[last].determinant()));
        INFO("log det " << logDet << " vs " << logT[0] - logt[1]);
        CHECK(std::abs(logDet - (logT[0] - logt[1])) < 5e-3); // measured: <= 1.1e-3
    }
}
