// `diffuscope-cli likelihood`: the exact log-likelihood of points through the probability-flow
// ODE (Song et al. 2021, App. D.2; diffusion-math.md 3.8), per point with its NFE, and the mean
// negative log-likelihood in nats and bits per dimension. Writes x,y,logp,nfe (p0.. in other
// dimensions; logp_se after logp with --probes). log p is the density at t_min
// (core/samplers/ode_likelihood.hpp). Images through a U-Net need --probes K: Hutchinson's
// estimate of the divergence with K fixed probes, its standard error per image beside it; for
// 8-bit images the bits/dim with uniform dequantisation is printed too.
#include "app/cli/command.hpp"
#include "app/cli/model_options.hpp"
#include "core/datasets/image_datasets.hpp"
#include "core/errors.hpp"
#include "core/io/csv.hpp"
#include "core/io/table_writer.hpp"
#include "core/samplers/hutchinson_trace.hpp"
#include "core/samplers/ode_likelihood.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <memory>

namespace dfs::cli {

namespace {

struct LikelihoodCliOptions {
    ModelOptions model;
    std::string points, out, solver = "rk45";
    LikelihoodOptions ode;
};

void runLikelihood(LikelihoodCliOptions o) {
    o.ode.solver = parseOdeSolver(o.solver);
    requireFinite("--rtol", o.ode.rtol);
    requireFinite("--atol", o.ode.atol);
    requireFinite("--t-min", o.ode.tMin);
    if (!(o.ode.rtol > 0) || !(o.ode.atol > 0))
        throw UsageError(
            fmt::format("--rtol and --atol must be positive (got {}, {})", o.ode.rtol, o.ode.atol));
    if (o.ode.steps < 1 || o.ode.steps > 100000)
        throw UsageError(fmt::format("--steps must be in [1, 100000] (got {})", o.ode.steps));
    if (o.ode.block < 1 || o.ode.block > 100000)
        throw UsageError(fmt::format("--block must be in [1, 100000] (got {})", o.ode.block));
    if (o.ode.probes < 0 || o.ode.probes > 4096)
        throw UsageError(fmt::format("--probes must be in [0, 4096] (got {})", o.ode.probes));
    if (!(o.ode.tMin > 0 && o.ode.tMin < 1))
        throw UsageError(fmt::format("--t-min must be in (0, 1) (got {})", o.ode.tMin));
    LoadedModel m = buildModel(o.model);
    const Matrix x = readPoints(o.points);
    if (x.rows() == 0) throw DataError(fmt::format("{}: no points", o.points));
    if (x.cols() != m.denoiser->dim())
        throw DataError(fmt::format("{}: points have {} dimensions, the dataset {}", o.points,
                                    x.cols(), m.denoiser->dim()));
    const LikelihoodResult r = odeLogLikelihood(*m.denoiser, *m.schedule, x, o.ode);

    std::vector<std::string> header = pointColumns(int(x.cols()));
    header.push_back("logp");
    const bool se = o.ode.probes > 0;
    if (se) header.push_back("logp_se");
    header.push_back("nfe");
    TableWriter out(o.out, header);
    std::vector<double> row(header.size());
    for (Index i = 0; i < x.rows(); ++i) {
        for (Index c = 0; c < x.cols(); ++c) row[std::size_t(c)] = x(i, c);
        std::size_t col = std::size_t(x.cols());
        row[col++] = r.logp[i];
        if (se) row[col++] = r.logpSe[i];
        row[col] = double(r.nfe[std::size_t(i)]);
        out.row(row);
    }
    out.commit();
    double nfe = 0;
    for (const long n : r.nfe) nfe += double(n);
    const std::string how = o.ode.solver == OdeSolver::Rk45
                                ? fmt::format("rk45, rtol {:g}, atol {:g}, block {}", o.ode.rtol,
                                              o.ode.atol, o.ode.block)
                                : fmt::format("rk4, {} steps", o.ode.steps);
    // With probes the NLL is an estimate: its standard error over the probes.
    const std::string nllSe = se ? fmt::format(" +- {:.6f}", r.meanNllSe()) : "";
    // 8-bit images in [-1, 1]: uniform dequantisation adds 7 bits/dim (hutchinson_trace.hpp).
    const std::string bpd8 =
        isImageDataset(m.data.name)
            ? fmt::format(" ({:.4f} bits/dim for the 8-bit images, dequantised)",
                          dequantisedBitsPerDim(r.meanNll(), x.cols()))
            : "";
    fmt::print("mean NLL {:.6f}{} nats = {:.6f} bits/dim{} over {} point{} of {} ({}, {}); log p "
               "at t_min = {:g}, {}, mean NFE {:.1f}; prior: {}; {}; wrote {}\n",
               r.meanNll(), nllSe, r.bitsPerDim(), bpd8, x.rows(), x.rows() == 1 ? "" : "s",
               m.data.name, m.denoiser->name(), m.schedule->name(), o.ode.tMin, how,
               nfe / double(x.rows()), r.prior, r.trace, o.out);
}

} // namespace

Command addLikelihoodCommand(CLI::App& app) {
    auto o = std::make_shared<LikelihoodCliOptions>();
    CLI::App* cmd = app.add_subcommand(
        "likelihood", "exact log p of points through the probability-flow ODE; write x,y,logp,nfe");
    addModelOptions(*cmd, o->model);
    cmd->add_option("--points", o->points, "points to evaluate (CSV x,y, .npy or .npz)")
        ->required();
    cmd->add_option("--solver", o->solver, "rk45 (adaptive Dormand-Prince) or rk4 (fixed steps)")
        ->capture_default_str();
    cmd->add_option("--rtol", o->ode.rtol, "rk45 relative tolerance")->capture_default_str();
    cmd->add_option("--atol", o->ode.atol, "rk45 absolute tolerance")->capture_default_str();
    cmd->add_option("--steps", o->ode.steps, "rk4 steps, uniform in t")->capture_default_str();
    cmd->add_option("--block", o->ode.block,
                    "rk45: points solved together with one step size (1 = each point alone)")
        ->capture_default_str();
    cmd->add_option("--t-min", o->ode.tMin, "the time the points are read at (log p_{t_min})")
        ->capture_default_str();
    cmd->add_option("--probes", o->ode.probes,
                    "Hutchinson's estimate of the divergence with K fixed Rademacher probes "
                    "(0 = the exact trace; a U-Net on images needs K >= 1, e.g. 4)")
        ->capture_default_str();
    cmd->add_option("--probe-seed", o->ode.probeSeed, "seed of the probes")->capture_default_str();
    cmd->add_flag("--float", o->ode.singlePrecision,
                  "a learned MLP and its tangents in float (faster) instead of double");
    cmd->add_option("--threads", o->ode.threads, "CPU threads (0 = one per core)")
        ->capture_default_str();
    cmd->add_option("--out", o->out, "output file: .csv, or .npy/.npz by the extension")
        ->required();
    return {cmd, [o] { runLikelihood(*o); }};
}

} // namespace dfs::cli
