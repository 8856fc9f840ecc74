// The likelihood curve: held-out NLL against the solver's tolerance or steps (see
// curves_likelihood.hpp). bits/dim = NLL / (d ln 2) (2-D data is continuous: no dequantisation).
#include "app/cli/curves_likelihood.hpp"

#include "core/datasets/gmm_datasets.hpp"
#include "core/datasets/image_datasets.hpp"
#include "core/denoisers/denoiser_factory.hpp"
#include "core/errors.hpp"
#include "core/samplers/hutchinson_trace.hpp"
#include "core/samplers/ode_likelihood.hpp"

#include <cmath>
#include <fmt/format.h>
#include <memory>
#include <numbers>

namespace dfs::cli {

namespace {
constexpr std::uint64_t kHeldOutSeedOffset = 0x4e4c4cu; ///< "NLL", as the likelihood view
constexpr int kTolerances = 6;                          ///< 1e-1 .. 1e-6
constexpr int kStepLevels = 8;                          ///< 2 .. 256

double meanNfe(const LikelihoodResult& r) {
    double s = 0;
    for (const long v : r.nfe) s += double(v);
    return r.nfe.empty() ? 0.0 : s / double(r.nfe.size());
}

/// Standard error of the mean of -logp.
double nllSe(const Vector& logp) {
    const Index n = logp.size();
    if (n < 2) return 0;
    const double var = (logp.array() - logp.mean()).square().sum() / double(n - 1);
    return std::sqrt(var / double(n));
}
} // namespace

LikelihoodCurve likelihoodCurve(const LoadedModel& m, const LikelihoodCurveOptions& o, long n,
                                std::uint64_t seed) {
    const OdeSolver solver = parseOdeSolver(o.solver); // UsageError naming the solver
    LikelihoodCurve c;
    Matrix held;
    if (m.data.gmm) {
        held = sampleGmm(*m.data.gmm, n, seed + kHeldOutSeedOffset, "held-out").points;
        c.heldOut = fmt::format("{} fresh draws of the mixture", held.rows());
    } else {
        held = m.data.points.topRows(std::min<Index>(n, m.data.points.rows()));
        c.heldOut = fmt::format("the data's first {} points (training points: no fresh draws "
                                "without a mixture)",
                                held.rows());
    }
    // The exact reference: the model itself when it has log p_t in closed form, else the exact
    // denoiser of GMM data.
    std::unique_ptr<Denoiser> built;
    const Denoiser* exact = m.denoiser->hasLogDensity() ? m.denoiser.get() : nullptr;
    if (!exact && m.data.gmm) {
        built = makeDenoiser("exact", m.data);
        exact = built.get();
    }
    c.hasExact = exact != nullptr;
    LikelihoodOptions base;
    base.probes = o.probes;
    const bool images = isImageDataset(m.data.name);
    const double ln2d = double(held.cols()) * std::numbers::ln2;
    Table& t = c.table;
    t.columns = {solver == OdeSolver::Rk45 ? "tol" : "steps", "nfe", "nll", "nll_se",
                 "bits_per_dim"};
    if (o.probes) t.columns.push_back("nll_probe_se");
    if (images) t.columns.push_back("bits_per_dim_8bit");
    double exactNll = 0;
    if (exact) {
        t.columns.insert(t.columns.end(),
                         {"exact_ode_nfe", "exact_ode_nll", "exact_nll", "exact_bits_per_dim"});
        Vector lp(held.rows());
        exact->logDensityRows(held, m.schedule->at(base.tMin), lp, 0, held.rows());
        exactNll = -lp.mean();
    }
    const int levels = solver == OdeSolver::Rk45 ? kTolerances : kStepLevels;
    t.rows = Matrix(levels, Index(t.columns.size()));
    for (int i = 0; i < levels; ++i) {
        LikelihoodOptions lo = base;
        lo.solver = solver;
        double level = 0;
        if (solver == OdeSolver::Rk45)
            level = lo.rtol = lo.atol = std::pow(10.0, -(i + 1));
        else
            level = lo.steps = 2 << i;
        const LikelihoodResult r = odeLogLikelihood(*m.denoiser, *m.schedule, held, lo);
        c.prior = r.prior;
        Index col = 0;
        const auto put = [&](double v) { t.rows(i, col++) = v; };
        for (double v : {level, meanNfe(r), r.meanNll(), nllSe(r.logp), r.bitsPerDim()}) put(v);
        if (o.probes) put(r.meanNllSe());
        if (images) put(dequantisedBitsPerDim(r.meanNll(), held.cols()));
        if (!exact) continue;
        if (exact == m.denoiser.get()) { // the model is the reference: the same solve
            put(meanNfe(r));
            put(r.meanNll());
        } else {
            const LikelihoodResult e = odeLogLikelihood(*exact, *m.schedule, held, lo);
            put(meanNfe(e));
            put(e.meanNll());
        }
        put(exactNll);
        put(exactNll / ln2d);
    }
    return c;
}

} // namespace dfs::cli
