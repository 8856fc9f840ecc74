// The rnn-cells view (diffusion-math.md Section 1.6, "diffusion models are recurrent neural
// networks"): the sampler unrolled into one cell per step, x_{i+1} = a_i x_i + b_i D(x_i, t_i)
// + c_i z_i, with the same network D in every cell (or, untied, one network above sigma_split
// and another below it: split_denoiser.hpp); below, the singular values of each cell's
// Jacobian J_i = a_i I + b_i J_D(x_i) for the highlighted particle: where the sampler contracts
// (below 1) and where it expands (above 1).
#include "core/denoisers/denoiser.hpp"
#include "core/denoisers/split_denoiser.hpp"
#include "core/io/table_io.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_registry.hpp"
#include "core/scene/views/rnn_cells_data.hpp"
#include "core/scene/views/run_unroll.hpp"

#include <algorithm>

namespace dfs::views {

namespace {

constexpr int kMaxCells = 8; ///< cells drawn around the shown frame

RnnCellsView build(const SceneEngine& e, int frameIndex) {
    const auto frame = e.frame(frameIndex); // UsageError for a frame not recorded
    RnnCellsView v;
    v.time = e.timeInfo(frame->t);
    v.sampler = e.scene().sampler.sampler;
    v.network = e.denoiser().name();
    const auto* split = dynamic_cast<const SplitDenoiser*>(&e.denoiser());
    if (split) {
        v.network = split->above().name();
        v.networkBelow = split->below().name();
        v.sigmaSplit = split->sigmaSplit();
    }
    v.particle = highlightedParticle(e);
    v.frame = frameIndex;
    const UnrolledJacobian u = unrollParticle(e, v.particle);
    v.exactJacobian = u.exactJacobian;
    for (std::size_t i = 0; i < u.cells.size(); ++i) {
        const CellJacobian& c = u.cells[i];
        v.t.push_back(c.t), v.tNext.push_back(c.tNext);
        v.a.push_back(c.a), v.b.push_back(c.b), v.prev.push_back(c.prev), v.c.push_back(c.c);
        v.nfe.push_back(c.nfe);
        v.networkOf.push_back(split && !split->usesAbove(e.schedule().at(c.t)) ? 1 : 0);
        v.sigmaMax.push_back(c.singularValues[0]);
        v.sigmaMin.push_back(c.singularValues[c.singularValues.size() - 1]);
        v.logDet.push_back(c.logAbsDet);
        v.x.insert(v.x.end(), {u.path[i][0], u.path[i][1]});
        if (c.prediction.size() >= 2)
            v.denoised.insert(v.denoised.end(), {c.prediction[0], c.prediction[1]});
        else
            v.denoised.insert(v.denoised.end(), {u.path[i][0], u.path[i][1]});
    }
    const int steps = int(u.cells.size());
    v.cellCount = std::min(kMaxCells, steps);
    v.firstCell = std::clamp(frameIndex - v.cellCount / 2, 0, steps - v.cellCount);
    return v;
}

Table table(const SceneEngine& e, int frameIndex) {
    const RnnCellsView v = build(e, frameIndex);
    Table t{{"step", "t", "t_next", "a", "b", "prev", "c", "nfe", "sigma_max", "sigma_min",
             "log_abs_det", "x", "y", "network"},
            Matrix(Index(v.t.size()), 14)};
    for (std::size_t i = 0; i < v.t.size(); ++i)
        t.rows.row(Index(i)) << double(i), v.t[i], v.tNext[i], v.a[i], v.b[i], v.prev[i], v.c[i],
            v.nfe[i], v.sigmaMax[i], v.sigmaMin[i], v.logDet[i], v.x[2 * i], v.x[2 * i + 1],
            double(v.networkOf[i]);
    return t;
}

} // namespace

ViewInfo rnnCells() {
    return {"rnn-cells",
            "the sampler unrolled as a recurrent network: one cell per step, and the singular "
            "values of each step's Jacobian for the highlighted particle",
            ViewData::Points,
            ViewClock::FollowsRun,
            [](const SceneEngine& e, ViewAt at) {
                return ViewSnapshot("rnn-cells", build(e, at.frame));
            },
            [](const SceneEngine& e, ViewAt at) { return table(e, at.frame); },
            "step,t,t_next,a,b,prev,c,nfe,sigma_max,sigma_min,log_abs_det,x,y,network (0: the "
            "model, 1: model.denoiserBelow)"};
}

} // namespace dfs::views
