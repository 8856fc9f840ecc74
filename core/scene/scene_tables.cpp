// Scene tables.
#include "core/scene/scene_tables.hpp"

#include "core/errors.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/schedules/schedule.hpp"

#include <fmt/format.h>

namespace dfs {

Table samplesTable(const SceneEngine& engine, int frame) {
    return {{"x", "y"}, engine.frame(frame)->x};
}

Table trajectoryTable(const SceneEngine& engine, int lastFrame) {
    const Index particles = engine.frame(0)->x.rows();
    const auto last = engine.frame(lastFrame); // throws for a frame not recorded
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
    for (Index r = 0; r < n; ++r) at.row(r) << v.pos[std::size_t(2 * r)], v.pos[std::size_t(2 * r + 1)];
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
    if (n < 1 || n > 1'000'000) throw UsageError(fmt::format("--n must be in [1, 1000000] (got {})", n));
    Table table{{"t", "alpha", "sigma", "logSNR"}, Matrix(n, 4)};
    for (int k = 1; k <= n; ++k) {
        const double t = double(k) / n;
        table.rows.row(k - 1) << t, schedule.alpha(t), schedule.sigma(t), schedule.logSnr(t);
    }
    return table;
}

Table viewTable(const SceneEngine& engine, ViewKind kind, int frame, double t) {
    switch (kind) {
    case ViewKind::Chain: return chainTable(engine, t);
    case ViewKind::Field: return fieldTable(engine, t);
    case ViewKind::Trajectories: return trajectoryTable(engine, frame);
    case ViewKind::Density: return samplesTable(engine, frame);
    }
    return samplesTable(engine, frame);
}

} // namespace dfs
