// `diffuscope-cli schedule`: a schedule's curves t, alpha, sigma, logSNR as CSV or JSON, and
// optionally a sampler's time grid on it.
#include "app/cli/command.hpp"
#include "app/cli/output_paths.hpp"
#include "core/errors.hpp"
#include "core/io/table_io.hpp"
#include "core/samplers/sampler.hpp"
#include "core/scene/scene_tables.hpp"
#include "core/schedules/schedule.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <memory>

namespace dfs::cli {

namespace {

struct ScheduleOptions {
    std::string schedule = "vp-linear", out, grid, sampler;
    int n = 200, steps = 0;
};

void runSchedule(const ScheduleOptions& o) {
    const auto schedule = makeSchedule(o.schedule);
    if (!isTablePath(o.out))
        throw UsageError(fmt::format("--out {}: use a .csv or .json file", o.out));
    requireDistinctOutputs({{"--out", o.out}, {"--grid", o.grid}});
    if (!o.grid.empty()) {
        if (!isTablePath(o.grid))
            throw UsageError(fmt::format("--grid {}: use a .csv or .json file", o.grid));
        const SamplerInfo& info = findSampler(o.sampler.empty() ? "heun" : o.sampler);
        if (o.steps < 1 || o.steps > 100000)
            throw UsageError(fmt::format("--steps must be in [1, 100000] (got {})", o.steps));
        const std::vector<double> g = makeTimeGrid(*schedule, info.defaultGrid, o.steps, 7.0);
        // No logSNR column: it is infinite at the grid's last point, t = 0.
        Table t{{"i", "t", "alpha", "sigma"}, Matrix(Index(g.size()), 4)};
        for (std::size_t i = 0; i < g.size(); ++i) {
            const NoiseLevel l = schedule->at(g[i]);
            t.rows.row(Index(i)) << double(i), l.t, l.alpha, l.sigma;
        }
        writeTable(o.grid, t);
    }
    const Table table = scheduleTable(*schedule, o.n);
    writeTable(o.out, table);
    fmt::print("{}: {} points of t, alpha, sigma, logSNR; wrote {}{}{}\n", schedule->describe(),
               table.rows.rows(), o.out, o.grid.empty() ? "" : " and ", o.grid);
}

} // namespace

Command addScheduleCommand(CLI::App& app) {
    auto o = std::make_shared<ScheduleOptions>();
    CLI::App* cmd =
        app.add_subcommand("schedule", "write a schedule's alpha, sigma and logSNR curves");
    cmd->add_option("--schedule", o->schedule, "noise schedule (see 'list')")
        ->capture_default_str();
    cmd->add_option("--n", o->n, "points t = k/n, k = 1..n")->capture_default_str();
    cmd->add_option("--out", o->out, "F.csv, F.json, F.npy or F.npz: t,alpha,sigma,logSNR")
        ->required();
    cmd->add_option("--grid", o->grid, "also write a sampler's time grid (F.csv or F.json)");
    cmd->add_option("--sampler", o->sampler,
                    "sampler whose default grid --grid writes (default heun)");
    cmd->add_option("--steps", o->steps, "steps of that grid");
    return {cmd, [o] { runSchedule(*o); }};
}

} // namespace dfs::cli
