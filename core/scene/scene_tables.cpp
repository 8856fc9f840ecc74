// Scene tables.
#include "core/scene/scene_tables.hpp"

#include "core/errors.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_registry.hpp"
#include "core/schedules/schedule.hpp"

#include <cmath>
#include <fmt/format.h>

namespace dfs {

namespace {

/// x, y for 2-D points; p0 .. p{D-1} for images.
std::vector<std::string> pointColumns(Index dim) {
    if (dim == 2) return {"x", "y"};
    std::vector<std::string> names;
    for (Index k = 0; k < dim; ++k) names.push_back(fmt::format("p{}", k));
    return names;
}

} // namespace

Table samplesTable(const SceneEngine& engine, int frame) {
    const Matrix& x = engine.frame(frame)->x;
    return {pointColumns(x.cols()), x};
}

Table spectrumTable(const SceneEngine& engine, double t) {
    const SpectrumView v = makeSnapshot(engine, "spectrum", 0, t).as<SpectrumView>();
    Table table{{"frequency", "data", "x_t_over_alpha", "noise"},
                Matrix(Index(v.frequency.size()), 4)};
    for (std::size_t i = 0; i < v.frequency.size(); ++i)
        table.rows.row(Index(i)) << v.frequency[i], v.data[i], v.xt.empty() ? 0.0 : v.xt[i],
            std::isfinite(v.noise) ? v.noise : 0.0;
    if (v.xt.empty())
        throw UsageError("at alpha = 0 (t = 1 here) x_t carries no signal to compare");
    return table;
}

Table trajectoryTable(const SceneEngine& engine, int lastFrame) {
    const Index particles = engine.frame(0)->x.rows();
    const auto last = engine.frame(lastFrame); // throws for a frame not recorded
    if (last->x.cols() != 2)
        throw UsageError("trajectories are tables of 2-D points; for images export the samples");
    Table t{{"step", "t", "particle", "x", "y"}, Matrix(particles * (lastFrame + 1), 5)};
    for (int f = 0; f <= lastFrame; ++f) {
        const auto fr = engine.frame(f);
        for (Index p = 0; p < particles; ++p) {
            const Index r = Index(f) * particles + p;
            t.rows.row(r) << f, fr->t, double(p), fr->x(p, 0), fr->x(p, 1);
        }
    }
    return t;
}

Table fieldTable(const SceneEngine& engine, double t) {
    const FieldView v = engine.fieldView(t);
    const Index n = Index(v.pos.size() / 2);
    Table table{{"x", "y", "fx", "fy"}, Matrix(n, 4)};
    // Recomputed in double at the arrows' positions (the view keeps floats).
    Matrix at(n, 2);
    for (Index r = 0; r < n; ++r)
        at.row(r) << v.pos[std::size_t(2 * r)], v.pos[std::size_t(2 * r + 1)];
    const Matrix q = engine.fieldValues(v.time.t, at);
    table.rows << at, q;
    return table;
}

Table chainTable(const SceneEngine& engine, double t) {
    const ChainView v = engine.chainView(t);
    const Index n = Index(v.xy.size() / 2);
    Table table{{"x", "y"}, Matrix(n, 2)};
    for (Index r = 0; r < n; ++r)
        table.rows.row(r) << v.xy[std::size_t(2 * r)], v.xy[std::size_t(2 * r + 1)];
    return table;
}

Table scheduleTable(const Schedule& schedule, int n) {
    if (n < 1 || n > 1'000'000)
        throw UsageError(fmt::format("--n must be in [1, 1000000] (got {})", n));
    Table table{{"t", "alpha", "sigma", "logSNR"}, Matrix(n, 4)};
    Index rows = 0;
    for (int k = 1; k <= n; ++k) {
        const double t = double(k) / n;
        const double logSnr = schedule.logSnr(t);
        if (!std::isfinite(logSnr)) continue; // alpha = 0 (rf at t = 1): no finite logSNR
        table.rows.row(rows++) << t, schedule.alpha(t), schedule.sigma(t), logSnr;
    }
    table.rows.conservativeResize(rows, 4);
    return table;
}

} // namespace dfs
