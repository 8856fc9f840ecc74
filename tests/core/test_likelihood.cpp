// The PF-ODE likelihood (issue 17, part 2): the exact divergence against central differences
// (learned MLP by forward mode, exact GMM and ideal denoiser in closed form), and the ODE
// log-likelihood against closed-form densities (diffusion-math.md 3.8 and 4.1).
#include "test_support.hpp"

#include "core/datasets/gmm_datasets.hpp"
#include "core/denoisers/gmm_denoiser.hpp"
#include "core/denoisers/ideal_denoiser.hpp"
#include "core/denoisers/learned_denoiser.hpp"
#include "core/denoisers/learned_jacobian.hpp"
#include "core/model/model.hpp"
#include "core/samplers/ode_likelihood.hpp"
#include "core/samplers/pf_divergence.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>

using namespace dfs;
using namespace dfs::test;

namespace {

std::shared_ptr<Model> smallMlp(Prediction target, Activation act, std::uint64_t seed,
                                float gain = 3.0f) {
    ModelSpec spec;
    spec.dim = 2;
    spec.width = 24;
    spec.depth = 2;
    spec.embedDim = 8;
    spec.activation = act;
    spec.target = target;
    spec.mean = {0.3, -0.2};
    spec.scale = 1.4;
    auto m = std::make_shared<Model>(spec);
    m->net.initialise(seed);
    for (float& p : m->net.params()) p *= gain; // far from linear, so the test has teeth
    return m;
}

/// Central differences of f (n x d -> n x d) at the rows of x, step h: J(r, i*d + c).
template <typename F> Matrix centralJacobian(const F& f, const Matrix& x, double h) {
    const Index d = x.cols();
    Matrix jac(x.rows(), d * d);
    for (Index c = 0; c < d; ++c) {
        Matrix xp = x, xm = x;
        xp.col(c).array() += h;
        xm.col(c).array() -= h;
        const Matrix diff = (f(xp) - f(xm)) / (2 * h);
        for (Index i = 0; i < d; ++i) jac.col(i * d + c) = diff.col(i);
    }
    return jac;
}

Vector traceOf(const Matrix& jac, Index d) {
    Vector tr = Vector::Zero(jac.rows());
    for (Index i = 0; i < d; ++i) tr += jac.col(i * d + i);
    return tr;
}

} // namespace

TEST_CASE("the learned MLP's exact Jacobian and divergence equal central differences") {
    const auto schedule = makeSchedule("vp-linear");
    const Matrix x = normals(11, 16, 2) * 1.3;
    for (const Prediction target : {Prediction::Edm, Prediction::Eps, Prediction::V}) {
        for (const Activation act : {Activation::SiLU, Activation::GELU}) {
            const LearnedDenoiser model(smallMlp(target, act, 5));
            const LearnedJacobian jacobian(model);
            for (const double t : {0.05, 0.4, 0.9}) {
                const NoiseLevel level = schedule->at(t);
                Matrix d, jac;
                jacobian.evaluate(x, level, d, jac);
                // D in double agrees with the float network.
                Matrix dFloat(x.rows(), 2);
                model.denoiseRows(x, level, dFloat, 0, x.rows());
                CHECK(maxAbsDiff(d, dFloat) < 1e-4 * (1 + dFloat.cwiseAbs().maxCoeff()));
                const auto f = [&](const Matrix& xs) {
                    Matrix dd, jj;
                    jacobian.evaluate(xs, level, dd, jj);
                    return dd;
                };
                const Matrix fd = centralJacobian(f, x, 1e-5);
                INFO("target " << predictionName(target) << " t " << t);
                CHECK(maxAbsDiff(jac, fd) < 1e-6 * (1 + fd.cwiseAbs().maxCoeff()));
                // The PF-ODE divergence through PfOdeDivergence, against differences of u.
                const PfOdeDivergence field(model, *schedule);
                Matrix u, div;
                field.evaluate(x, t, u, div);
                const auto fu = [&](const Matrix& xs) {
                    Matrix uu, dv;
                    field.evaluate(xs, t, uu, dv);
                    return uu;
                };
                const Vector divFd = traceOf(centralJacobian(fu, x, 1e-5), 2);
                CHECK((div.col(0) - divFd).cwiseAbs().maxCoeff() < 1e-4);
                CHECK(div.cwiseAbs().maxCoeff() > 0.1); // a divergence worth testing
            }
        }
    }
}

TEST_CASE("the learned MLP's Jacobian in float agrees with the double one") {
    const auto schedule = makeSchedule("cosine");
    const Matrix x = normals(13, 300, 2) * 1.5; // more rows than one kernel block
    for (const Activation act : {Activation::SiLU, Activation::GELU, Activation::ReLU}) {
        const LearnedDenoiser model(smallMlp(Prediction::Edm, act, 9));
        const LearnedJacobian exact(model), single(model, true);
        for (const double t : {0.02, 0.5}) {
            Matrix d, jac, df, jacf;
            exact.evaluate(x, schedule->at(t), d, jac);
            single.evaluate(x, schedule->at(t), df, jacf);
            INFO("activation " << activationName(act) << " t " << t);
            CHECK(maxAbsDiff(d, df) < 1e-4 * (1 + d.cwiseAbs().maxCoeff()));
            CHECK(maxAbsDiff(jac, jacf) < 1e-4 * (1 + jac.cwiseAbs().maxCoeff()));
        }
    }
}

TEST_CASE(
    "the closed-form divergence of the exact GMM and ideal denoisers equals central differences") {
    const auto schedule = makeSchedule("cosine");
    GmmParams g;
    g.weights = {0.3, 0.7};
    g.means = {Vector::Constant(2, -1.0), Vector::Constant(2, 0.8)};
    Matrix s1(2, 2), s2(2, 2);
    s1 << 0.2, 0.05, 0.05, 0.1;
    s2 << 0.05, -0.02, -0.02, 0.3;
    g.covs = {s1, s2};
    const GmmDenoiser gmm(g);
    const IdealDenoiser ideal(normals(3, 30, 2));
    const Matrix x = normals(12, 12, 2);
    for (const Denoiser* model :
         {static_cast<const Denoiser*>(&gmm), static_cast<const Denoiser*>(&ideal)}) {
        const PfOdeDivergence field(*model, *schedule);
        for (const double t : {0.1, 0.5, 0.95}) {
            Matrix u, div;
            field.evaluate(x, t, u, div);
            const auto fu = [&](const Matrix& xs) {
                Matrix uu, dv;
                field.evaluate(xs, t, uu, dv);
                return uu;
            };
            const Vector divFd = traceOf(centralJacobian(fu, x, 1e-5), 2);
            INFO(model->name() << " t " << t);
            CHECK((div.col(0) - divFd).cwiseAbs().maxCoeff() <
                  1e-6 * (1 + divFd.cwiseAbs().maxCoeff()));
        }
    }
}

TEST_CASE("the ODE log-likelihood of a single Gaussian equals its analytic log density") {
    // N(mu, c^2 I) has the marginal N(alpha mu, (alpha^2 c^2 + sigma^2) I) (diffusion-math.md 4.3).
    Vector mu(2);
    mu << 1.0, -0.5;
    const double c = 0.7;
    const GmmDenoiser model(isotropicGaussian(mu, c));
    const Matrix x = normals(21, 40, 2) * 1.5;
    for (const char* name : {"vp-linear", "cosine", "rf"}) {
        const auto schedule = makeSchedule(name);
        LikelihoodOptions o;
        o.gaussianPrior = true; // the schedule's Gaussian marginal, here exact
        o.dataMean = mu;
        o.dataVar = c * c;
        const NoiseLevel l = schedule->at(o.tMin);
        const double v = l.alpha * l.alpha * c * c + l.sigma * l.sigma;
        Vector exact(x.rows());
        for (Index r = 0; r < x.rows(); ++r)
            exact[r] = -std::log(2 * std::numbers::pi * v) -
                       0.5 * (x.row(r).transpose() - l.alpha * mu).squaredNorm() / v;
        INFO(name);
        for (const double tol : {1e-5, 1e-7}) {
            o.rtol = o.atol = tol;
            const LikelihoodResult r = odeLogLikelihood(model, *schedule, x, o);
            const double err = (r.logp - exact).cwiseAbs().maxCoeff();
            INFO("rtol = atol = " << tol << ": max error " << err << ", mean NFE " << r.nfe[0]);
            CHECK(err < 50 * tol); // global error: the local tolerance summed over the steps
        }
        o.solver = OdeSolver::Rk4;
        o.steps = 200;
        const LikelihoodResult r4 = odeLogLikelihood(model, *schedule, x, o);
        CHECK(r4.nfe[0] == 800);
        CHECK((r4.logp - exact).cwiseAbs().maxCoeff() < 1e-5);
    }
}

TEST_CASE("on the exact gmm8 the mean ODE log-likelihood of held-out points equals the exact one") {
    const PointSet data = makeGmm8(300, kGmm8DefaultStd, 777); // held out: a seed no model saw
    const GmmDenoiser model(*data.gmm);
    const auto schedule = makeSchedule("vp-linear");
    LikelihoodOptions o; // the exact p_1 as prior, rtol = atol = 1e-5, t_min = 1e-3
    const LikelihoodResult r = odeLogLikelihood(model, *schedule, data.points, o);
    Vector exact(data.size());
    model.logDensityRows(data.points, schedule->at(o.tMin), exact, 0, data.size());
    INFO("ODE mean log p " << r.logp.mean() << ", exact " << exact.mean() << ", " << r.prior);
    CHECK(std::abs(r.logp.mean() - exact.mean()) < 1e-3);
    CHECK(r.meanNll() == Approx(-r.logp.mean()));
    CHECK(r.bitsPerDim() == Approx(r.meanNll() / (2 * std::numbers::ln2)));
    for (const long n : r.nfe) CHECK(n > 0);
    // Blocks of 16 points with one step size: within the tolerance of the per-point solves,
    // one count of evaluations per block.
    o.block = 16;
    const LikelihoodResult b = odeLogLikelihood(model, *schedule, data.points, o);
    CHECK((b.logp - r.logp).cwiseAbs().maxCoeff() < 1e-3);
    CHECK(std::abs(b.logp.mean() - exact.mean()) < 1e-3);
    CHECK(b.nfe[0] == b.nfe[15]);
    CHECK(b.nfe[0] >= *std::min_element(r.nfe.begin(), r.nfe.begin() + 16));
}

TEST_CASE("the likelihood refuses bad input with a message that names it") {
    const GmmDenoiser model(isotropicGaussian(Vector::Zero(2), 1.0));
    const auto schedule = makeSchedule("vp-linear");
    Matrix x = Matrix::Zero(3, 2);
    x(1, 0) = std::nan("");
    CHECK(contains(errorOf([&] { odeLogLikelihood(model, *schedule, x); }), "point 2"));
    CHECK(contains(errorOf([&] { odeLogLikelihood(model, *schedule, Matrix::Zero(2, 3)); }),
                   "3 columns"));
    LikelihoodOptions o;
    o.tMin = 0;
    CHECK(contains(
        errorOf<UsageError>([&] { odeLogLikelihood(model, *schedule, Matrix::Zero(2, 2), o); }),
        "t_min"));
    CHECK(contains(errorOf<UsageError>([] { parseOdeSolver("euler"); }), "euler"));
}

TEST_CASE("on a learned MLP the adaptive and fixed-step solves converge to one log-likelihood") {
    // No closed form for a learned model: RK4 with many steps and Dormand-Prince at a tight
    // tolerance must agree (both converge to the same ODE solution), with the Gaussian prior of
    // the model's normalisation (mean 0.3, -0.2; variance 1.4^2). Over t in [0.3, 0.9]: an
    // untrained network's velocity oscillates in t through its time embedding sin(250 c_noise
    // f_k), with c_noise = ln(sigma~)/4 changing fast near both ends (period ~1e-3 in t at
    // t = 0.01 on cosine), where 400 RK4 steps cannot follow it (measured: 2e-4 off over
    // [0.01, 1], first-order convergence).
    const LearnedDenoiser model(smallMlp(Prediction::Edm, Activation::SiLU, 21, 1.0f));
    const auto schedule = makeSchedule("cosine");
    const Matrix x = normals(31, 24, 2);
    LikelihoodOptions o;
    o.tMin = 0.3;
    o.tMax = 0.9;
    o.rtol = o.atol = 1e-8;
    const LikelihoodResult adaptive = odeLogLikelihood(model, *schedule, x, o);
    CHECK(contains(adaptive.prior, "Gaussian"));
    CHECK(contains(adaptive.trace, "forward mode"));
    o.solver = OdeSolver::Rk4;
    o.steps = 400;
    const LikelihoodResult fixed = odeLogLikelihood(model, *schedule, x, o);
    INFO("max |rk45 - rk4| " << (adaptive.logp - fixed.logp).cwiseAbs().maxCoeff());
    CHECK((adaptive.logp - fixed.logp).cwiseAbs().maxCoeff() < 5e-6); // measured: 7.2e-7
    // The prior term alone is the Gaussian N(alpha_T mean, (alpha_T^2 1.96 + sigma_T^2) I).
    const NoiseLevel l1 = schedule->at(o.tMax);
    const double v = l1.alpha * l1.alpha * 1.96 + l1.sigma * l1.sigma;
    Vector mean(2);
    mean << 0.3, -0.2;
    const double z = (adaptive.latent.row(0).transpose() - l1.alpha * mean).squaredNorm();
    CHECK(adaptive.logPrior[0] == Approx(-std::log(2 * std::numbers::pi * v) - 0.5 * z / v));
}
