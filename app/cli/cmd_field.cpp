// `diffuscope-cli field`: a quantity of the denoiser (x0, eps, v, score, velocity) at one time,
// on a square grid or on the points of a CSV file; writes x,y,fx,fy.
#include "app/cli/command.hpp"
#include "app/cli/model_options.hpp"
#include "core/backend/backend.hpp"
#include "core/errors.hpp"
#include "core/field.hpp"
#include "core/io/csv.hpp"
#include "core/io/table_writer.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <memory>
#include <optional>

namespace dfs::cli {

namespace {

struct FieldOptions {
    ModelOptions model;
    std::optional<double> t, sigma;
    std::string quantity, points, out, backend = "cpu";
    std::optional<int> grid;
    double extent = 3.0;
    int threads = 0;
};

void runField(const FieldOptions& o) {
    const Prediction quantity = parsePrediction(o.quantity);
    if (o.grid.has_value() == !o.points.empty())
        throw UsageError("give exactly one of --grid and --points");
    requireFinite("--extent", o.extent);
    LoadedModel m = buildModel(o.model);
    if (m.denoiser->dim() != 2 && o.grid)
        throw UsageError("--grid needs 2D data; use --points for other dimensions");
    const double t = resolveTime(*m.schedule, o.t, o.sigma);
    const NoiseLevel level = m.schedule->at(t);
    const Matrix x = o.grid ? gridPoints(*o.grid, o.extent) : readPoints(o.points);
    if (x.cols() != m.denoiser->dim())
        throw DataError(fmt::format("{}: points have {} dimensions, the dataset {}", o.points,
                                    x.cols(), m.denoiser->dim()));
    auto backend = makeBackend(o.backend, o.threads);
    const Matrix f = evaluateField(*backend, *m.denoiser, level, quantity, x);

    std::vector<std::string> header = pointColumns(int(x.cols()));
    for (const auto& c : pointColumns(int(x.cols()))) header.push_back("f" + c);
    TableWriter out(o.out, header);
    std::vector<double> row(header.size());
    for (Index r = 0; r < x.rows(); ++r) {
        for (Index c = 0; c < x.cols(); ++c) {
            row[std::size_t(c)] = x(r, c);
            row[std::size_t(c + x.cols())] = f(r, c);
        }
        out.row(row);
    }
    out.commit();
    fmt::print("wrote the {} field of {} ({}, {}) at t = {:.6g} (sigma = {:.6g}, alpha = {:.6g}) "
               "on {} point{} to {}\n",
               predictionName(quantity), m.data.name, m.denoiser->name(), m.schedule->name(), t,
               level.sigma, level.alpha, x.rows(), x.rows() == 1 ? "" : "s", o.out);
}

} // namespace

Command addFieldCommand(CLI::App& app) {
    auto o = std::make_shared<FieldOptions>();
    CLI::App* cmd = app.add_subcommand(
        "field", "evaluate x0, eps, v, score or velocity on a grid or points; write x,y,fx,fy");
    addModelOptions(*cmd, o->model);
    auto* t = cmd->add_option("--t", o->t, "time in [0, 1] (0 = data, 1 = noise)");
    cmd->add_option("--sigma", o->sigma,
                    "noise level sigma/alpha instead of --t (with ve: x = x0 + sigma eps)")
        ->excludes(t);
    cmd->add_option("--quantity", o->quantity, "x0, eps, v, score or velocity")->required();
    auto* grid = cmd->add_option("--grid", o->grid, "N: an N x N grid over [-L, L]^2");
    cmd->add_option("--extent", o->extent, "L: half-width of the grid")->capture_default_str();
    cmd->add_option("--points", o->points, "query points (CSV x,y, .npy or .npz) instead of --grid")
        ->excludes(grid);
    cmd->add_option("--backend", o->backend, "compute backend (see 'list')")->capture_default_str();
    cmd->add_option("--threads", o->threads, "CPU threads (0 = one per core)")
        ->capture_default_str();
    cmd->add_option("--out", o->out, "output file: .csv, or .npy/.npz by the extension")
        ->required();
    return {cmd, [o] { runField(*o); }};
}

} // namespace dfs::cli
