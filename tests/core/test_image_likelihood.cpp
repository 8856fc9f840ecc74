// The PF-ODE likelihood with Hutchinson's estimator (issue 17, part 2, images): the estimate
// over fixed probes against the analytic density of a correlated Gaussian in 16-D (where
// Rademacher probes have variance: Var[v^T J v] = 2 sum_{i != j} J_ij^2), its standard error
// shrinking as 1/sqrt(K); the U-Net's v^T J_D v by reverse mode against central differences;
// and on a small U-Net the estimated log-likelihood against the exact trace (d probes sqrt(d) e_i,
// whose mean is the trace) within its standard error.
#include "test_support.hpp"

#include "core/datasets/gmm_datasets.hpp"
#include "core/denoisers/gmm_denoiser.hpp"
#include "core/denoisers/learned_denoiser.hpp"
#include "core/denoisers/learned_vjp.hpp"
#include "core/model/model.hpp"
#include "core/samplers/hutchinson_trace.hpp"
#include "core/samplers/ode_likelihood.hpp"
#include "core/samplers/ode_solvers.hpp"
#include "core/samplers/pf_divergence.hpp"
#include "core/schedules/schedule.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <memory>

using namespace dfs;
using namespace dfs::test;

namespace {

/// One Gaussian in dim dimensions with a dense covariance A A^T / dim + 0.05 I.
GmmParams correlatedGaussian(Index dim) {
    GmmParams g;
    g.weights = {1.0};
    g.means = {normals(41, 1, dim).row(0).transpose() * 0.5};
    const Matrix a = normals(42, dim, dim);
    g.covs = {a * a.transpose() / double(dim) + 0.05 * Matrix::Identity(dim, dim)};
    return g;
}

/// A 4x4 U-Net with every parameter drawn at random (the initial one outputs 0: conv_out is 0).
std::shared_ptr<Model> randomUNet() {
    ModelSpec spec;
    spec.architecture = "unet";
    spec.dim = 16;
    spec.embedDim = 8;
    spec.channels = 8;
    spec.groups = 4;
    spec.attention = true;
    spec.mean.assign(16, 0.1);
    spec.scale = 0.8;
    auto m = std::make_shared<Model>(spec);
    m->net.initialise(3);
    const Matrix noise = normals(44, 1, Index(m->net.paramCount()));
    FloatBuffer& p = m->net.params();
    for (std::size_t i = 0; i < p.size(); ++i) p[i] += 0.15f * float(noise(0, Index(i)));
    return m;
}

} // namespace

TEST_CASE("likelihood with Hutchinson's probes: within its standard error of a 16-D Gaussian's "
          "log density, the error shrinking as 1/sqrt(K)",
          "[likelihood]") {
    const GmmParams g = correlatedGaussian(16);
    const GmmDenoiser model(g);
    const auto schedule = makeSchedule("cosine");
    const Matrix x = sampleGmm(g, 6, 5, "held-out").points;
    LikelihoodOptions o;
    Vector exact(x.rows());
    model.logDensityRows(x, schedule->at(o.tMin), exact, 0, x.rows());

    // The exact trace: to the solver's tolerance.
    const LikelihoodResult e = odeLogLikelihood(model, *schedule, x, o);
    CHECK((e.logp - exact).cwiseAbs().maxCoeff() < 1e-3);
    CHECK(e.logpSe.size() == 0);

    o.probes = 8;
    o.probeSeed = 1;
    const LikelihoodResult r8 = odeLogLikelihood(model, *schedule, x, o);
    REQUIRE(r8.logpSe.size() == x.rows());
    for (Index i = 0; i < x.rows(); ++i) {
        INFO("point " << i << ": " << r8.logp[i] << " +- " << r8.logpSe[i] << ", exact "
                      << exact[i]);
        CHECK(std::abs(r8.logp[i] - exact[i]) <= 4 * r8.logpSe[i] + 1e-3);
        CHECK(r8.logpSe[i] > 1e-3); // the probes do vary: the check above has teeth
    }
    // The latent path does not depend on the probes: the same x(1) as the exact solve's.
    CHECK(maxAbsDiff(r8.latent, e.latent) < 1e-3);
    CHECK(std::abs(r8.meanNll() + exact.mean()) <= 4 * r8.meanNllSe() + 1e-3);

    o.probes = 128;
    const LikelihoodResult r128 = odeLogLikelihood(model, *schedule, x, o);
    const double ratio = r8.meanNllSe() / r128.meanNllSe(); // sqrt(128 / 8) = 4 expected
    INFO("standard errors " << r8.meanNllSe() << " (8 probes), " << r128.meanNllSe() << " (128)");
    CHECK(ratio > 2.0);
    CHECK(ratio < 8.0);
    CHECK(std::abs(r128.meanNll() + exact.mean()) <= 4 * r128.meanNllSe() + 1e-3);

    // Fixed by the seed.
    o.probes = 8;
    CHECK(odeLogLikelihood(model, *schedule, x, o).logp == r8.logp);
    o.probeSeed = 2;
    CHECK(odeLogLikelihood(model, *schedule, x, o).logp != r8.logp);
}

TEST_CASE("the U-Net's v^T J_D v by reverse mode equals central differences of v . D",
          "[likelihood]") {
    const LearnedDenoiser model(randomUNet());
    const LearnedVjp vjp(model);
    const auto schedule = makeSchedule("cosine");
    const Matrix x = normals(45, 3, 16) * 0.8;
    const Matrix probes = rademacherProbes(3, 16, 9);
    for (const double t : {0.1, 0.6}) {
        const NoiseLevel l = schedule->at(t);
        Matrix d, terms, ref(x.rows(), 16);
        vjp.evaluate(x, l, probes, d, terms);
        model.denoiseRows(x, l, ref, 0, x.rows());
        CHECK(maxAbsDiff(d, ref) < 1e-5 * (1 + ref.cwiseAbs().maxCoeff()));
        const double h = 1e-2;
        const LearnedDenoiser::Affine af = model.affine(l);
        const double skip = af.ratio * af.a * 16; // v^T J_D v without the network's part
        double largest = 0;
        for (Index p = 0; p < probes.rows(); ++p) {
            const Matrix v = probes.row(p).replicate(x.rows(), 1);
            Matrix up(x.rows(), 16), down(x.rows(), 16);
            model.denoiseRows(x + h * v, l, up, 0, x.rows());
            model.denoiseRows(x - h * v, l, down, 0, x.rows());
            const Vector fd = ((up - down).cwiseProduct(v)).rowwise().sum() / (2 * h);
            for (Index r = 0; r < x.rows(); ++r) {
                INFO("t " << t << " probe " << p << " row " << r);
                CHECK(std::abs(terms(r, p) - fd[r]) < 2e-3 * (1 + std::abs(fd[r])));
                largest = std::max(largest, std::abs(fd[r] - skip));
            }
        }
        CHECK(largest > 0.05);
    }
    // The MLP has its exact Jacobian instead; a U-Net without probes is refused by name.
    CHECK(contains(errorOf<UsageError>([&] { (void)PfOdeDivergence(model, *schedule); }),
                   "--probes"));
}

TEST_CASE("the likelihood through a U-Net: Hutchinson's estimate within its standard error of "
          "the exact trace's",
          "[likelihood]") {
    const LearnedDenoiser model(randomUNet());
    const auto schedule = makeSchedule("cosine");
    const Matrix x = normals(46, 3, 16) * 0.7;
    LikelihoodOptions o;
    o.solver = OdeSolver::Rk4;
    o.steps = 12;
    o.tMin = 0.05;
    o.probes = 16;
    o.probeSeed = 4;
    const LikelihoodResult r = odeLogLikelihood(model, *schedule, x, o);
    REQUIRE(r.logp.allFinite());
    // The exact integral of the divergence on the same RK4 grid: probes sqrt(d) e_i average to
    // E[v v^T] = I exactly, so their mean is the trace.
    const PfOdeDivergence exact(model, *schedule, false, 4.0 * Matrix::Identity(16, 16));
    const AugmentedField f = [&](const Matrix& xs, double t, Matrix& u, Matrix& g) {
        exact.evaluate(xs, t, u, g);
    };
    Matrix xe = x, integrals = Matrix::Zero(x.rows(), 16);
    rk4Augmented(f, o.tMin, o.tMax, o.steps, xe, integrals);
    CHECK(maxAbsDiff(xe, r.latent) < 1e-9);
    const Vector exactIntegral = integrals.rowwise().mean();
    const Vector estimated = r.logp - r.logPrior;
    for (Index i = 0; i < x.rows(); ++i) {
        INFO("image " << i << ": " << estimated[i] << " +- " << r.logpSe[i] << ", exact "
                      << exactIntegral[i]);
        CHECK(std::abs(estimated[i] - exactIntegral[i]) <= 4 * r.logpSe[i] + 1e-6);
        CHECK(r.logpSe[i] > 1e-4);
    }
    CHECK(contains(r.trace, "reverse mode through the U-Net"));
}
