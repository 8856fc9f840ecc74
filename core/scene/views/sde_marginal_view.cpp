// The sde-marginal view (diffusion-math.md 1.4, "particle histograms at each t checked against
// exact p_t contours: marginals must match"): the reverse SDE (Anderson 1982) and the
// probability-flow ODE (Song et al. 2021b, eq. 13) share the forward process's marginals p_t,
// both solving its Fokker-Planck equation, so the run's particles at a frame must be distributed
// as p_t at that frame's time. Drawn as a histogram under p_t's contours, with the energy
// distance (Szekely & Rizzo 2013, eq. 2.1) to a sample of p_t beside its sampling floor.
#include "core/backend/backend.hpp"
#include "core/datasets/point_set.hpp"
#include "core/denoisers/denoiser.hpp"
#include "core/metrics/energy_distance.hpp"
#include "core/rng/noise.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_grid.hpp"
#include "core/scene/view_registry.hpp"
#include "core/scene/views/sde_marginal_data.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace dfs::views {

namespace {

constexpr int kCells = 48;            ///< histogram cells per side
constexpr Index kEnergyPoints = 1000; ///< points per side of the energy distance
constexpr Index kNoisedData = 20000;  ///< noised data points for a histogram of p_t
/// Philox steps of the eps of the noised data (two independent samples of p_t).
constexpr std::uint32_t kMarginalNoiseStep = 0xFFFFFFF2u;

/// The rows of m with a stride that leaves at most `limit`.
Matrix thinned(const Matrix& m, Index limit) {
    const Index stride = strideFor(m.rows(), limit);
    Matrix out((m.rows() + stride - 1) / stride, m.cols());
    for (Index r = 0; r < out.rows(); ++r) out.row(r) = m.row(r * stride);
    return out;
}

/// Rows first, first + 2, first + 4, ... of m: the data split into two disjoint halves, so that
/// two samples of p_t are independent even at t = 0.
Matrix half(const Matrix& m, Index first) {
    Matrix out((m.rows() - first + 1) / 2, m.cols());
    for (Index r = 0; r < out.rows(); ++r) out.row(r) = m.row(first + 2 * r);
    return out;
}

/// alpha x0 + sigma eps for at most `limit` of the points x0: a sample of p_t (substream k).
Matrix noised(const SceneEngine& e, const Matrix& points, const NoiseLevel& l, Index limit,
              std::uint32_t k) {
    const Matrix x0 = thinned(points, limit);
    return l.alpha * x0 + l.sigma * gaussianNoise(e.scene().data.seed, 0, x0.rows(), x0.cols(),
                                                  kMarginalNoiseStep, k);
}

/// The denoiser whose closed-form density is p_t of the scene's data: the exact or ideal
/// reference of a learned model, or the model itself; null when there is none (guidance).
const Denoiser* truth(const SceneEngine& e) {
    const Denoiser* d = e.reference() ? e.reference() : &e.denoiser();
    return d->hasLogDensity() ? d : nullptr;
}

SdeMarginalView buildMarginal(const SceneEngine& e, int frameIndex) {
    const std::shared_ptr<const Frame> f = e.frame(frameIndex);
    const NoiseLevel l = e.schedule().at(f->t);
    SdeMarginalView v;
    v.time = e.timeInfo(f->t);
    v.box.extent = extentAt(e.scene().view, l);
    v.frame = frameIndex;
    v.steps = e.totalFrames() - 1;
    v.sampler = e.scene().sampler.sampler;
    v.particles = long(f->x.rows());
    v.samples = emptyGrid(kCells, v.box.extent, "density of the particles");
    histogram(e.backend(), f->x, v.samples);
    v.exact = emptyGrid(kCells, v.box.extent, "");
    if (const Denoiser* d = truth(e)) {
        // Sampled at the cell centres, p_t must not be narrower than a cell (at t = 0 it may be a
        // sum of spikes, the ideal denoiser's): below sigma~ = half a cell, p_t smoothed to it.
        const double floorTilde = 0.5 * (v.exact.x1 - v.exact.x0) / kCells;
        const double tp = std::max(f->t, e.schedule().tFromLogSnr(-2 * std::log(floorTilde)));
        Vector lp;
        e.backend().logDensity(*d, cellCentres(v.exact), e.schedule().at(tp), lp);
        for (Index i = 0; i < lp.size(); ++i)
            v.exact.values[std::size_t(i)] = float(std::exp(lp[i]));
        const std::string name = d->name() + " p_t"; // "exact p_t", "ideal p_t"
        v.exactLabel =
            tp > f->t ? fmt::format("{}, smoothed to sigma~ = {:.2g}", name, floorTilde) : name;
    } else {
        histogram(e.backend(), noised(e, e.data().points, l, kNoisedData, 2), v.exact);
        v.exactLabel = "p_t as a histogram of alpha x0 + sigma eps";
    }
    v.exact.label = v.exactLabel;
    // The particles against a sample of p_t from one half of the data; the floor: a sample of
    // p_t from the other half (as many points as particles, where the data allow) against it.
    const Matrix a = thinned(f->x, kEnergyPoints);
    const Matrix b = noised(e, half(e.data().points, 0), l, kEnergyPoints, 0);
    v.energy = energyDistance(a, b);
    v.energyFloor = energyDistance(noised(e, half(e.data().points, 1), l, a.rows(), 1), b);
    return v;
}

/// x,y (cell centres), samples, p_t: both densities per unit area on the histogram's cells.
Table marginalTable(const SceneEngine& e, int frameIndex) {
    const SdeMarginalView v = buildMarginal(e, frameIndex);
    const Matrix c = cellCentres(v.samples);
    Table table{{"x", "y", "samples", "p_t"}, Matrix(c.rows(), 4)};
    for (Index r = 0; r < c.rows(); ++r)
        table.rows.row(r) << c(r, 0), c(r, 1), v.samples.values[std::size_t(r)],
            v.exact.values[std::size_t(r)];
    return table;
}

} // namespace

ViewInfo sdeMarginal() {
    return {"sde-marginal",
            "a histogram of the run's particles against p_t at the frame's time (Fokker-Planck)",
            ViewData::Points,
            ViewClock::FollowsRun,
            [](const SceneEngine& e, ViewAt at) {
                return ViewSnapshot("sde-marginal", buildMarginal(e, at.frame));
            },
            [](const SceneEngine& e, ViewAt at) { return marginalTable(e, at.frame); },
            "x,y,samples,p_t: densities on the histogram's cells"};
}

} // namespace dfs::views
