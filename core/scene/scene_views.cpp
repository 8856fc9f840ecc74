// What each view draws (view_data.hpp), computed from the scene engine's data, model and run;
// the grids and point lists they share are in view_grid.hpp.
#include "core/backend/backend.hpp"
#include "core/datasets/point_set.hpp"
#include "core/denoisers/denoiser_factory.hpp"
#include "core/denoisers/ideal_denoiser.hpp"
#include "core/errors.hpp"
#include "core/metrics/energy_distance.hpp"
#include "core/parameterisation.hpp"
#include "core/rng/noise.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/scene/particle_likelihood.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_grid.hpp"
#include "core/schedules/log_snr_sweep.hpp"
#include "core/schedules/time_grid.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace dfs {

namespace {

constexpr Index kMaxChainPoints = 20000; ///< data points pushed through the chain view
constexpr int kStripCells = 6;           ///< small multiples, evenly spaced in logSNR
constexpr Index kStripPoints = 1500;
constexpr Index kEnergyPoints = 1000;                    ///< points per side of the energy distance
constexpr std::uint32_t kChainNoiseStep = 0xFFFFFFF0u;   ///< Philox step of the chain's eps
constexpr std::uint32_t kDensityNoiseStep = 0xFFFFFFF1u; ///< the density view's noised data

Matrix quantityOf(Backend& backend, const Denoiser& model, const NoiseLevel& level,
                  const std::string& quantity, const Matrix& x) {
    Matrix x0;
    backend.denoise(model, x, level, x0);
    const Prediction p = parsePrediction(quantity);
    if (p == Prediction::X0) return x0 - x; // the denoiser's displacement D(x) - x
    return fromX0(p, x, x0, level);
}

std::string quantityLabel(const std::string& q) {
    return q == "x0" ? "D(x) - x" : q;
}

} // namespace

const ScalarGrid& SceneEngine::logDensityAt(double t, double extent) const {
    if (!(m_densityCache && m_densityCache->t == t && m_densityCache->extent == extent)) {
        DensityCache c{t, extent, emptyGrid(kHeatCells, extent, "")};
        c.grid.label = fmt::format("log p_t ({})", m_denoiser->name());
        logDensityGrid(m_backend, *m_denoiser, m_schedule->at(t), c.grid);
        m_densityCache = std::move(c);
    }
    return m_densityCache->grid;
}

TimeInfo SceneEngine::timeInfo(double t) const {
    const NoiseLevel l = m_schedule->at(t);
    return {t, l.alpha, l.sigma, m_schedule->logSnr(t)};
}

ChainView SceneEngine::chainView(double t) const {
    requireViewFits("chain");
    const NoiseLevel l = m_schedule->at(t);
    ChainView v;
    v.time = timeInfo(t);
    v.box.extent = extentAt(m_scene.view, l);
    const Index stride = strideFor(m_data->size(), kMaxChainPoints);
    const Index n = (m_data->size() + stride - 1) / stride;
    const Matrix eps = gaussianNoise(m_scene.data.seed, 0, n, 2, kChainNoiseStep, 0);
    Matrix xt(n, 2);
    for (Index r = 0; r < n; ++r)
        xt.row(r) = l.alpha * m_data->points.row(r * stride) + l.sigma * eps.row(r);
    v.xy = thinnedXY(xt, kMaxChainPoints);
    if (l.sigma > 0 && m_denoiser->hasLogDensity()) {
        v.density = logDensityAt(t, v.box.extent);
    } else {
        v.density = emptyGrid(kHeatCells, v.box.extent, "");
        v.density.label = "density of x_t (histogram)";
        histogram(m_backend, xt, v.density);
    }
    // Evenly spaced in logSNR between the schedule's ends (its sampler grids' span), not in t:
    // uniform t crowds most cells into pure noise on schedules such as vp-linear.
    for (const double lambda : logSnrSweep(*m_schedule, kStripCells)) {
        // (edm and ve reach their cleanest level only as t -> 0+: the smallest positive t.)
        const double tk = std::max(m_schedule->tFromLogSnr(lambda), kSmallestPositiveT);
        const NoiseLevel lk = m_schedule->at(tk);
        ChainView::Cell cell;
        cell.t = tk;
        cell.logSnr = m_schedule->logSnr(tk);
        cell.extent = extentAt(m_scene.view, lk);
        const Index m = std::min(n, kStripPoints);
        Matrix xk(m, 2);
        for (Index r = 0; r < m; ++r)
            xk.row(r) = lk.alpha * m_data->points.row(r * stride) + lk.sigma * eps.row(r);
        cell.xy = thinnedXY(xk, kStripPoints);
        v.strip.push_back(std::move(cell));
    }
    return v;
}

FieldView SceneEngine::fieldView(double t) const {
    requireViewFits("field");
    const double tt = std::max(t, kMinFieldT);
    const NoiseLevel l = m_schedule->at(tt);
    const SceneView& sv = m_scene.view;
    FieldView v;
    v.time = timeInfo(tt);
    v.box.extent = extentAt(sv, l);
    v.quantity = quantityLabel(sv.fieldQuantity);
    v.streamlines = sv.streamlines;
    const int n = sv.fieldGrid;
    v.n = n;
    ScalarGrid arrows = emptyGrid(n, v.box.extent, "");
    const Matrix at = cellCentres(arrows);
    const Matrix q = quantityOf(m_backend, *m_denoiser, l, sv.fieldQuantity, at);
    for (Index r = 0; r < at.rows(); ++r) {
        appendXY(v.pos, at(r, 0), at(r, 1));
        appendXY(v.vec, q(r, 0), q(r, 1));
    }
    if (m_denoiser->hasLogDensity()) {
        v.heat = logDensityAt(tt, v.box.extent);
    } else {
        v.heat = emptyGrid(kHeatCells, v.box.extent, "");
        v.heat.label = fmt::format("|{}|", v.quantity);
        const Matrix qh =
            quantityOf(m_backend, *m_denoiser, l, sv.fieldQuantity, cellCentres(v.heat));
        for (Index r = 0; r < qh.rows(); ++r)
            v.heat.values[std::size_t(r)] = float(qh.row(r).norm());
    }
    if (m_reference) {
        v.reference = m_reference->name();
        v.error = emptyGrid(kHeatCells, v.box.extent,
                            fmt::format("|{} learned - {}|", v.quantity, v.reference));
        const Matrix c = cellCentres(v.error);
        const Matrix d = quantityOf(m_backend, *m_denoiser, l, sv.fieldQuantity, c) -
                         quantityOf(m_backend, *m_reference, l, sv.fieldQuantity, c);
        for (Index r = 0; r < d.rows(); ++r)
            v.error.values[std::size_t(r)] = float(d.row(r).norm());
        v.errorMax = errorColourMax(sv.fieldQuantity);
        v.errorRange = fmt::format("colours 0 to {:.3g}: the median over {} times evenly spaced "
                                   "in logSNR of each time's 99th-percentile error, the same at "
                                   "every t",
                                   v.errorMax, kErrorSweepTimes);
    }
    return v;
}

double SceneEngine::errorColourMax(const std::string& quantity) const {
    if (!m_reference) return 0;
    const SceneView& sv = m_scene.view;
    for (const ErrorRange& r : m_errorRanges)
        if (r.quantity == quantity && r.extent == sv.extent) return r.max;
    // The model's error against its reference on each time's own grid (the field view's): each
    // time's 99th percentile, and their median over the sweep. A pooled maximum would follow
    // the few times near t = 0, where the score's error grows like 1 / sigma^2, and leave every
    // other time black; the median is a typical time's scale (cells above it saturate).
    auto percentile = [](std::vector<double>& v, double q) {
        const auto at = v.begin() + std::ptrdiff_t(q * double(v.size() - 1));
        std::nth_element(v.begin(), at, v.end());
        return *at;
    };
    std::vector<double> perTime;
    for (const double lambda : logSnrSweep(*m_schedule, kErrorSweepTimes)) {
        const NoiseLevel l = m_schedule->at(std::max(m_schedule->tFromLogSnr(lambda), kMinFieldT));
        const Matrix c = cellCentres(emptyGrid(kHeatCells, extentAt(sv, l), ""));
        const Matrix d = quantityOf(m_backend, *m_denoiser, l, quantity, c) -
                         quantityOf(m_backend, *m_reference, l, quantity, c);
        std::vector<double> err;
        for (Index r = 0; r < d.rows(); ++r)
            if (std::isfinite(d.row(r).norm())) err.push_back(d.row(r).norm());
        if (!err.empty()) perTime.push_back(percentile(err, 0.99));
    }
    const double max = perTime.empty() ? 0 : percentile(perTime, 0.5);
    m_errorRanges.push_back({quantity, sv.extent, std::max(max, 1e-12)});
    return m_errorRanges.back().max;
}

const SceneEngine::CompanionPath& SceneEngine::companionPath(long particle) const {
    if (m_companion && m_companion->particle == particle) return *m_companion;
    // Same x_T, same time grid, the other family (Song et al. 2021b, eqs. 6 and 13).
    CompanionPath c;
    c.particle = particle;
    c.sampler = findSampler(m_scene.sampler.sampler).stochastic ? "heun" : "em";
    SamplerRunConfig config = runConfig(); // shown only before a branch
    config.sampler = &findSampler(c.sampler);
    config.firstParticle = std::uint32_t(particle); // the noise this particle would get
    SamplerRun run(*m_schedule, *m_denoiser, m_backend, config, m_frames.front()->x.row(particle));
    appendXY(c.xy, run.current().x(0, 0), run.current().x(0, 1));
    while (!run.done()) {
        const Frame& fr = run.step();
        appendXY(c.xy, fr.x(0, 0), fr.x(0, 1));
    }
    m_companion = std::move(c);
    return *m_companion;
}

Matrix SceneEngine::fieldValues(double t, const Matrix& x) const {
    return quantityOf(m_backend, *m_denoiser, m_schedule->at(std::max(t, kMinFieldT)),
                      m_scene.view.fieldQuantity, x);
}

TrajectoryView SceneEngine::trajectoryView(int frameIndex) const {
    requireViewFits("trajectories");
    const std::shared_ptr<const Frame> cur = frame(frameIndex);
    TrajectoryView v;
    v.time = timeInfo(cur->t);
    v.box.extent = extentAt(m_scene.view, m_schedule->at(cur->t));
    v.frame = frameIndex;
    v.frames = recordedFrames();
    v.steps = totalFrames() - 1;
    v.sampler = m_scene.sampler.sampler;
    const Index particles = cur->x.rows();
    const int wanted = m_scene.view.paths;
    const Index stride = wanted > 0 ? strideFor(particles, wanted) : particles + 1;
    v.pathCount = wanted > 0 ? int((particles + stride - 1) / stride) : 0;
    v.pathOpacity = float(m_scene.view.pathOpacity);
    for (int f = 0; f <= frameIndex; ++f) {
        const Frame& fr = *m_frames[std::size_t(f)];
        v.times.push_back(float(fr.t));
        for (Index p = 0; p < particles && wanted > 0; p += stride)
            appendXY(v.paths, fr.x(p, 0), fr.x(p, 1));
    }
    v.current = thinnedXY(cur->x, particles);
    if (m_probeStart >= 0 && frameIndex >= m_probeStart) {
        v.highlight = -2; // a dropped particle
        for (int f = m_probeStart; f <= frameIndex; ++f) {
            const Frame& fr = *m_probe[std::size_t(f - m_probeStart)];
            appendXY(v.highlightPath, fr.x(0, 0), fr.x(0, 1));
            appendXY(v.highlightX0, fr.x0Hat(0, 0), fr.x0Hat(0, 1));
        }
    } else if (m_scene.view.highlight < particles) {
        const Index h = m_scene.view.highlight;
        v.highlight = h;
        for (int f = 0; f <= frameIndex; ++f) {
            const Frame& fr = *m_frames[std::size_t(f)];
            appendXY(v.highlightPath, fr.x(h, 0), fr.x(h, 1));
            appendXY(v.highlightX0, fr.x0Hat(h, 0), fr.x0Hat(h, 1));
        }
    }
    if (v.highlight >= 0 && m_runOffset == 0) {
        const CompanionPath& c = companionPath(v.highlight);
        v.companion = c.sampler;
        v.companionPath.assign(c.xy.begin(),
                               c.xy.begin() + std::ptrdiff_t(std::min(
                                                  c.xy.size(), std::size_t(2 * (frameIndex + 1)))));
    }
    v.data = thinnedXY(m_data->points, 2000);
    v.colour = m_scene.view.particleColour;
    if (v.colour == "log-likelihood") addParticleLikelihood(*this, cur, v);
    return v;
}

DensityView SceneEngine::densityView(int frameIndex) const {
    requireViewFits("density");
    const std::shared_ptr<const Frame> cur = frame(frameIndex);
    DensityView v;
    v.time = timeInfo(cur->t);
    v.box.extent = m_scene.view.extent;
    v.samples = emptyGrid(kHeatCells / 1.2, v.box.extent, "density of the samples");
    histogram(m_backend, cur->x, v.samples);
    v.reference = emptyGrid(v.samples.nx, v.box.extent, "");
    // The samples at time t are compared with p_t, the data's law at the same time (one clock):
    // the exact mixture density where there is one, else the data noised to t. At the end of
    // the run (sigma~ below 0.01) the exact p_0 is drawn at sigma~ = 0.01 (a closed form needs
    // sigma > 0).
    const NoiseLevel level = m_schedule->at(cur->t);
    const bool atData = !(level.sigma > 0.01 * level.alpha);
    Matrix reference = m_data->points;
    if (!atData) {
        const Matrix eps =
            gaussianNoise(m_scene.data.seed, 0, reference.rows(), 2, kDensityNoiseStep, 0);
        reference = level.alpha * reference + level.sigma * eps;
    }
    if (m_data->gmm) {
        const auto exact = makeDenoiser("exact", *m_data);
        const NoiseLevel drawn =
            atData ? m_schedule->at(m_schedule->tFromLogSnr(-2 * std::log(0.01))) : level;
        Vector lp;
        m_backend.logDensity(*exact, cellCentres(v.reference), drawn, lp);
        for (Index i = 0; i < lp.size(); ++i)
            v.reference.values[std::size_t(i)] = float(std::exp(lp[i]));
        v.referenceLabel =
            atData ? "exact density p_0" : fmt::format("exact p_t at t = {:.3g}", cur->t);
    } else {
        histogram(m_backend, reference, v.reference);
        v.referenceLabel =
            atData ? "histogram of the data" : fmt::format("data noised to t = {:.3g}", cur->t);
    }
    v.reference.label = v.referenceLabel;
    const Index ns = std::min(kEnergyPoints, cur->x.rows()),
                nd = std::min(kEnergyPoints, reference.rows());
    const Index ss = strideFor(cur->x.rows(), ns), sd = strideFor(reference.rows(), nd);
    Matrix a((cur->x.rows() + ss - 1) / ss, 2), b((reference.rows() + sd - 1) / sd, 2);
    for (Index r = 0; r < a.rows(); ++r) a.row(r) = cur->x.row(r * ss);
    for (Index r = 0; r < b.rows(); ++r) b.row(r) = reference.row(r * sd);
    v.energyDistance = energyDistance(a, b);
    return v;
}

ParticleInfo SceneEngine::particleInfo(int frameIndex, long particle) const {
    requireViewFits("trajectories");
    const std::shared_ptr<const Frame> cur = frame(frameIndex);
    if (particle < 0 || particle >= cur->x.rows())
        throw UsageError(
            fmt::format("particle {} does not exist (0 to {})", particle, cur->x.rows() - 1));
    ParticleInfo p = infoAt(*cur, particle);
    p.particle = particle;
    p.frame = frameIndex;
    return p;
}

std::optional<ParticleInfo> SceneEngine::droppedParticleInfo(int frameIndex) const {
    const int k = frameIndex - m_probeStart;
    if (m_probeStart < 0 || k < 0 || k >= int(m_probe.size())) return std::nullopt;
    ParticleInfo p = infoAt(*m_probe[std::size_t(k)], 0);
    p.particle = -1;
    p.frame = frameIndex;
    return p;
}

ParticleInfo SceneEngine::infoAt(const Frame& cur, Index row) const {
    ParticleInfo p;
    p.t = cur.t;
    p.sigma = cur.sigma;
    for (int c = 0; c < 2; ++c) {
        p.x[c] = cur.x(row, c);
        p.x0Hat[c] = cur.x0Hat(row, c);
        p.epsHat[c] = cur.epsHat(row, c);
        p.score[c] = cur.sigma > 0 ? -cur.epsHat(row, c) / cur.sigma : 0.0;
    }
    const auto* ideal = dynamic_cast<const IdealDenoiser*>(m_denoiser.get());
    if (ideal && cur.sigma > 0) {
        const Vector w = ideal->posteriorWeights(cur.x.row(row).transpose(), m_schedule->at(cur.t));
        p.weights.assign(w.data(), w.data() + w.size());
        p.effectiveCount = effectiveCount(w);
    }
    return p;
}

} // namespace dfs
