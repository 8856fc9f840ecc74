// Hutchinson's trace estimator with fixed Rademacher probes (FFJORD eq. 7): on the 2-D exact
// GMM's dD/dx = (alpha/sigma^2) Cov[x0 | x_t] and on a learned MLP's forward-mode Jacobian, the
// mean over probes equals the exact trace within its standard error; in 2-D the four sign
// patterns average to the trace exactly (the cross term v1 v2 (J12 + J21) cancels); the probes
// are +-1, balanced and fixed by the seed; bits/dim adds the dequantisation offset of 7.
#include "core/datasets/gmm_datasets.hpp"
#include "core/denoisers/denoiser_factory.hpp"
#include "core/denoisers/learned_jacobian.hpp"
#include "core/denoisers/posterior.hpp"
#include "core/model/model.hpp"
#include "core/samplers/hutchinson_trace.hpp"
#include "core/schedules/schedule.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

using namespace dfs;

namespace {

/// Checks the estimate at each row against the exact traces: |mean - tr| < 4 standard errors.
void checkWithinError(const Matrix& terms, const Vector& exact) {
    const Index k = terms.cols();
    int spread = 0;
    for (Index r = 0; r < terms.rows(); ++r) {
        const double mean = terms.row(r).mean();
        const double sd = std::sqrt((terms.row(r).array() - mean).square().sum() / double(k - 1));
        const double se = sd / std::sqrt(double(k));
        INFO("row " << r << ": estimate " << mean << " +- " << se << ", exact " << exact[r]);
        CHECK(std::abs(mean - exact[r]) <= 4 * se + 1e-12);
        if (se > 1e-6 * std::abs(exact[r])) ++spread;
    }
    CHECK(spread > 0); // the estimator does vary: the check above is not vacuous
}

} // namespace

TEST_CASE("rademacher probes are +-1, balanced and fixed by the seed", "[likelihood]") {
    const Matrix v = rademacherProbes(2000, 3, 7);
    CHECK((v.array().abs() == 1.0).all());
    CHECK(std::abs(v.mean()) < 4 / std::sqrt(6000.0));
    const Matrix cov = v.transpose() * v / 2000.0; // E[v v^T] = I
    CHECK(std::abs(cov(0, 1)) < 0.1);
    CHECK(rademacherProbes(2000, 3, 7) == v);
    CHECK(rademacherProbes(2000, 3, 8) != v);
}

TEST_CASE("hutchinson: the mean over probes is the exact trace of the GMM's dD/dx",
          "[likelihood]") {
    const PointSet data = makeGmm8(100, 0.3, 0);
    const auto exact = makeDenoiser("exact", data);
    const auto schedule = makeSchedule("vp-linear");
    const NoiseLevel l = schedule->at(0.3);
    const auto post = exactPosterior(*exact, l);
    Matrix x(6, 2);
    x << 0.3, 0.1, 1.2, -0.4, -0.9, 0.8, 0.0, 0.0, 1.5, 1.5, -0.2, -1.1;
    const double k = l.alpha / (l.sigma * l.sigma); // dD/dx = (alpha/sigma^2) Cov (math 4.1)
    Vector tr(x.rows());
    std::vector<Matrix> jac;
    for (Index r = 0; r < x.rows(); ++r) {
        jac.push_back(k * post->at(x.row(r).transpose()).cov);
        tr[r] = jac.back().trace();
    }
    const JacobianVectorProduct jvp = [&](const Matrix& v, Matrix& jv) {
        jv.resize(v.rows(), v.cols());
        for (Index r = 0; r < v.rows(); ++r)
            jv.row(r) = (jac[std::size_t(r)] * v.row(r).transpose()).transpose();
    };
    checkWithinError(hutchinsonTerms(jvp, rademacherProbes(400, 2, 3), x.rows()), tr);
    // The four sign patterns of 2-D: exactly the trace.
    Matrix all(4, 2);
    all << 1, 1, 1, -1, -1, 1, -1, -1;
    const Matrix exact4 = hutchinsonTerms(jvp, all, x.rows());
    for (Index r = 0; r < x.rows(); ++r)
        CHECK(exact4.row(r).mean() == Approx(tr[r]).epsilon(1e-12));
}

TEST_CASE("hutchinson: the mean over probes is the exact trace of an MLP's dD/dx", "[likelihood]") {
    ModelSpec spec;
    spec.dim = 2;
    spec.width = 24;
    spec.depth = 2;
    spec.embedDim = 8;
    spec.activation = Activation::SiLU;
    spec.target = Prediction::Edm;
    spec.mean = {0.3, -0.2};
    spec.scale = 1.4;
    auto m = std::make_shared<Model>(spec);
    m->net.initialise(11);
    for (float& p : m->net.params()) p *= 3.0f; // far from linear: a non-symmetric Jacobian
    const LearnedDenoiser model(m);
    const LearnedJacobian lj(model);
    const auto schedule = makeSchedule("cosine");
    const NoiseLevel l = schedule->at(0.4);
    Matrix x(5, 2);
    x << 0.3, 0.1, 1.2, -0.4, -0.9, 0.8, 0.0, 0.0, 1.5, 1.5;
    Matrix d, jac;
    lj.evaluate(x, l, d, jac); // J(r, i * 2 + c) = dD_i/dx_c
    Vector tr(x.rows());
    for (Index r = 0; r < x.rows(); ++r) tr[r] = jac(r, 0) + jac(r, 3);
    const JacobianVectorProduct jvp = [&](const Matrix& v, Matrix& jv) {
        jv.resize(v.rows(), 2);
        for (Index r = 0; r < v.rows(); ++r) {
            jv(r, 0) = jac(r, 0) * v(r, 0) + jac(r, 1) * v(r, 1);
            jv(r, 1) = jac(r, 2) * v(r, 0) + jac(r, 3) * v(r, 1);
        }
    };
    checkWithinError(hutchinsonTerms(jvp, rademacherProbes(400, 2, 5), x.rows()), tr);
}

TEST_CASE("bits/dim of dequantised 8-bit data adds 7 bits", "[likelihood]") {
    // A model uniform on [-1, 1]^D (density 2^-D, NLL D ln 2) is 1 bit/dim on the continuous
    // scale and 8 bits/dim for the 256 levels: uniform over them.
    CHECK(dequantisedBitsPerDim(64 * std::numbers::ln2, 64) == Approx(8.0).epsilon(1e-12));
}
