// The score view (diffusion-math.md 1.3): the model's score and the exact or ideal score s* on a
// coarse grid as two arrow sets, over a heat map of their difference (learned model) or of ||s*||.
// Both scores come from denoisers by Tweedie's formula s = (alpha D(x) - x) / sigma^2 (Efron
// 2011; Vincent 2010; math ref 2.2), which is the score-predictor perspective made visible: a
// denoiser is a score model. The arrows are sigma^2 s = alpha D(x) - x, readable at every t.
#include "core/backend/backend.hpp"
#include "core/denoisers/denoiser.hpp"
#include "core/parameterisation.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_grid.hpp"
#include "core/scene/view_registry.hpp"
#include "core/scene/views/score_data.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace dfs::views {

namespace {

constexpr int kScoreArrows = 16; ///< arrows per side: coarse, two sets must stay apart

/// The score s = (alpha D(x) - x) / sigma^2 of a denoiser at the rows of x.
Matrix tweedieScore(Backend& backend, const Denoiser& model, const NoiseLevel& l, const Matrix& x) {
    Matrix d;
    backend.denoise(model, x, l, d);
    return fromX0(Prediction::Score, x, d, l);
}

void appendRows(std::vector<float>& out, const Matrix& m, double scale) {
    for (Index r = 0; r < m.rows(); ++r) appendXY(out, scale * m(r, 0), scale * m(r, 1));
}

ScoreView buildScore(const SceneEngine& e, double t) {
    const double tt = std::max(t, kMinFieldT);
    const NoiseLevel l = e.schedule().at(tt);
    const double s2 = l.sigma * l.sigma;
    const Denoiser* ref = e.reference();
    ScoreView v;
    v.time = e.timeInfo(tt);
    v.box.extent = extentAt(e.scene().view, l);
    v.n = kScoreArrows;
    v.modelName = e.denoiser().name();
    const Matrix at = cellCentres(emptyGrid(v.n, v.box.extent, ""));
    appendRows(v.pos, at, 1.0);
    appendRows(v.model, tweedieScore(e.backend(), e.denoiser(), l, at), s2);
    v.heat = emptyGrid(kHeatCells, v.box.extent, "");
    const Matrix cells = cellCentres(v.heat);
    Matrix heat = tweedieScore(e.backend(), e.denoiser(), l, cells);
    if (ref) {
        v.referenceName = ref->name();
        appendRows(v.reference, tweedieScore(e.backend(), *ref, l, at), s2);
        heat -= tweedieScore(e.backend(), *ref, l, cells);
        v.heat.label =
            fmt::format("||s_theta - s*|| ({} reference), fixed over t", v.referenceName);
        v.heatMax = e.errorColourMax("score");
    } else {
        v.heat.label = fmt::format("||s*|| ({})", v.modelName);
    }
    for (Index r = 0; r < heat.rows(); ++r)
        v.heat.values[std::size_t(r)] = float(heat.row(r).norm());
    return v;
}

/// x,y,sx,sy (and ref_sx,ref_sy for a learned model): the unscaled scores at the arrows, in
/// double precision.
Table scoreTable(const SceneEngine& e, double t) {
    const double tt = std::max(t, kMinFieldT);
    const NoiseLevel l = e.schedule().at(tt);
    const Matrix at = cellCentres(emptyGrid(kScoreArrows, extentAt(e.scene().view, l), ""));
    const Matrix s = tweedieScore(e.backend(), e.denoiser(), l, at);
    if (!e.reference()) {
        Table table{{"x", "y", "sx", "sy"}, Matrix(at.rows(), 4)};
        table.rows << at, s;
        return table;
    }
    const Matrix r = tweedieScore(e.backend(), *e.reference(), l, at);
    Table table{{"x", "y", "sx", "sy", "ref_sx", "ref_sy"}, Matrix(at.rows(), 6)};
    table.rows << at, s, r;
    return table;
}

} // namespace

ViewInfo score() {
    return {
        "score",
        "the score s = (alpha D(x) - x)/sigma^2 of the model and of the exact or ideal "
        "denoiser at t",
        ViewData::Points,
        ViewClock::SweepsT,
        [](const SceneEngine& e, ViewAt at) { return ViewSnapshot("score", buildScore(e, at.t)); },
        [](const SceneEngine& e, ViewAt at) { return scoreTable(e, at.t); },
        "x,y,sx,sy, and ref_sx,ref_sy for a learned model"};
}

} // namespace dfs::views
