// The likelihood view (flow perspective, diffusion-math.md 1.5 and 3.8): log p_t(x) of the
// scene's model by integrating the PF-ODE with its exact divergence from t up to 1
// (core/samplers/ode_likelihood.hpp), on a coarse 24 x 24 grid, beside the closed-form log p_t
// of the exact GMM (or of the ideal denoiser's mixture) and their difference; the legend holds
// the mean NLL of held-out points in nats and bits per dimension. A learned MLP's solve costs
// about 830 points x ~110 NFE (rtol = atol = 1e-4), each a forward pass with two tangents
// (in float: well under a second for the standard MLP): the result is kept per scene and time
// (the last one), so repainting and exporting reuse it.
#include "core/datasets/gmm_datasets.hpp"
#include "core/denoisers/denoiser.hpp"
#include "core/rng/noise.hpp"
#include "core/samplers/ode_likelihood.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/scene_io.hpp"
#include "core/scene/view_grid.hpp"
#include "core/scene/view_registry.hpp"
#include "core/scene/views/likelihood_data.hpp"
#include "core/schedules/schedule.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <memory>
#include <mutex>
#include <numbers>

namespace dfs::views {

namespace {

constexpr int kLikelihoodCells = 24;                    ///< grid cells per side
constexpr Index kHeldOut = 256;                         ///< held-out points for the NLL
constexpr std::uint64_t kHeldOutSeedOffset = 0x4e4c4cu; ///< "NLL": a seed the data never used
/// Philox step of the held-out points' noise (a substream no sampler uses).
constexpr std::uint32_t kHeldOutNoiseStep = 0xFFFFFF4Cu;
/// rtol = atol: ten times score_sde's 1e-5, for 2.5x fewer evaluations (a learned model's error
/// is far larger than the 1e-3 nats this costs; the exact model's difference panel shows it).
constexpr double kTolerance = 1e-4;

/// The view and the per-cell numbers of its table.
struct Computed {
    LikelihoodView view;
    Matrix cells; ///< cell centres
    Vector logpModel, logpExact;
    std::vector<long> nfe;
};

/// The denoiser whose log p_t is in closed form: the model itself, else the engine's reference.
const Denoiser* closedForm(const SceneEngine& e) {
    if (e.denoiser().hasLogDensity()) return &e.denoiser();
    const Denoiser* ref = e.reference();
    return ref && ref->hasLogDensity() ? ref : nullptr;
}

Vector exactLogDensity(const Denoiser& model, const NoiseLevel& l, const Matrix& x) {
    Vector out(x.rows());
    model.logDensityRows(x, l, out, 0, x.rows());
    return out;
}

ScalarGrid gridOf(const ScalarGrid& shape, const Vector& values, const std::string& label) {
    ScalarGrid g = shape;
    g.label = label;
    for (Index i = 0; i < values.size(); ++i) g.values[std::size_t(i)] = float(values[i]);
    return g;
}

std::shared_ptr<const Computed> compute(const SceneEngine& e, double t) {
    const auto start = std::chrono::steady_clock::now();
    LikelihoodOptions o;
    o.tMin = std::max(t, kMinFieldT);
    o.rtol = o.atol = kTolerance;
    o.singlePrecision = true; // a learned MLP in float: 7x faster, 1e-6 beside 1e-4 tolerances
    const NoiseLevel l = e.schedule().at(o.tMin);
    const Denoiser* ref = closedForm(e);
    if (!e.denoiser().hasLogDensity() && !ref) { // no reference: the data's Gaussian prior
        const Eigen::RowVectorXd mean = e.data().points.colwise().mean();
        o.dataMean = mean.transpose();
        o.dataVar = (e.data().points.rowwise() - mean).array().square().mean();
    }
    auto c = std::make_shared<Computed>();
    LikelihoodView& v = c->view;
    v.time = e.timeInfo(o.tMin);
    v.box.extent = extentAt(e.scene().view, l);
    const ScalarGrid shape = emptyGrid(kLikelihoodCells, v.box.extent, "");
    c->cells = cellCentres(shape);
    const LikelihoodResult grid = odeLogLikelihood(e.denoiser(), e.schedule(), c->cells, o);
    c->logpModel = grid.logp;
    c->nfe = grid.nfe;
    v.modelName = e.denoiser().name();
    v.model = gridOf(shape, grid.logp, fmt::format("log p_t by the PF-ODE ({})", v.modelName));
    v.prior = grid.prior;
    v.trace = grid.trace;
    v.solver = fmt::format("rk45, rtol = atol = {:g}", kTolerance);
    double nfe = 0;
    for (const long n : grid.nfe) nfe += double(n);
    v.meanNfe = nfe / double(std::max<std::size_t>(1, grid.nfe.size()));
    // Held-out points: fresh draws of the mixture, else the data's own points (training points).
    const PointSet& d = e.data();
    Matrix held;
    if (d.gmm) {
        held = sampleGmm(*d.gmm, kHeldOut, e.scene().data.seed + kHeldOutSeedOffset, "held-out")
                   .points;
        v.heldOutFresh = true;
    } else {
        held = d.points.topRows(std::min(kHeldOut, d.size()));
    }
    // Carried to x_t = alpha x0 + sigma eps (fixed noise), so that their NLL is under p_t.
    held = l.alpha * held + l.sigma * gaussianNoise(e.scene().data.seed + kHeldOutSeedOffset, 0,
                                                    held.rows(), held.cols(), kHeldOutNoiseStep, 0);
    const LikelihoodResult h = odeLogLikelihood(e.denoiser(), e.schedule(), held, o);
    v.heldOut = long(held.rows());
    v.nllModel = h.meanNll();
    v.bpdModel = h.bitsPerDim();
    const double ln2d = 2 * std::numbers::ln2;
    if (ref) {
        v.referenceName = ref->name();
        c->logpExact = exactLogDensity(*ref, l, c->cells);
        v.exact =
            gridOf(shape, c->logpExact, fmt::format("closed-form log p_t ({})", v.referenceName));
        v.difference = gridOf(shape, c->logpModel - c->logpExact, "ODE - closed form (nats)");
        v.nllExact = -exactLogDensity(*ref, l, held).mean();
        v.bpdExact = v.nllExact / ln2d;
    }
    v.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return c;
}

/// The last result, kept per scene (its data, model and extent), denoiser instance and time.
std::shared_ptr<const Computed> cached(const SceneEngine& e, double t) {
    static std::mutex mutex;
    static std::string lastKey;
    static std::shared_ptr<const Computed> last;
    Scene k;
    k.data = e.scene().data;
    k.model = e.scene().model;
    k.view.extent = e.scene().view.extent;
    const std::string key =
        fmt::format("{}|{}|{}", sceneToJson(k), static_cast<const void*>(&e.denoiser()),
                    std::max(t, kMinFieldT));
    {
        std::lock_guard lock(mutex);
        if (last && key == lastKey) return last;
    }
    auto c = compute(e, t);
    std::lock_guard lock(mutex);
    lastKey = key;
    last = c;
    return c;
}

/// x,y,logp_model,logp_exact,difference,nfe per grid cell (the exact columns are NaN-free:
/// omitted when there is no closed form).
Table likelihoodTable(const SceneEngine& e, double t) {
    const auto c = cached(e, t);
    const Index n = c->cells.rows();
    const bool exact = c->logpExact.size() == n;
    Table table;
    table.columns =
        exact ? std::vector<std::string>{"x", "y", "logp_model", "logp_exact", "difference", "nfe"}
              : std::vector<std::string>{"x", "y", "logp_model", "nfe"};
    table.rows.resize(n, Index(table.columns.size()));
    for (Index r = 0; r < n; ++r) {
        const double nfe = double(c->nfe[std::size_t(r)]);
        if (exact)
            table.rows.row(r) << c->cells(r, 0), c->cells(r, 1), c->logpModel[r], c->logpExact[r],
                c->logpModel[r] - c->logpExact[r], nfe;
        else
            table.rows.row(r) << c->cells(r, 0), c->cells(r, 1), c->logpModel[r], nfe;
    }
    return table;
}

} // namespace

ViewInfo likelihood() {
    return {"likelihood",
            "log p_t by the probability-flow ODE with its exact divergence, beside the closed "
            "form and their difference; held-out NLL in nats and bits/dim",
            ViewData::Points,
            ViewClock::SweepsT,
            [](const SceneEngine& e, ViewAt at) {
                return ViewSnapshot("likelihood", cached(e, at.t)->view);
            },
            [](const SceneEngine& e, ViewAt at) { return likelihoodTable(e, at.t); },
            "x,y,logp_model,logp_exact,difference,nfe (logp_exact and difference where a closed "
            "form exists)"};
}

} // namespace dfs::views
