// `diffuscope-cli sample`: runs a sampler from the prior (or from given points) to t = 0 and
// writes the final points, and optionally every frame as a trajectory (step,t,particle,x,y).
// --log-likelihood adds each final sample's log p_{t_min} through the PF-ODE (logp; rk45 at
// rtol = atol = 1e-5, core/samplers/points_likelihood.hpp) and, where the denoiser or the data
// has a closed form, the exact log p_{t_min} (logp_exact).
#include "app/cli/command.hpp"
#include "app/cli/model_options.hpp"
#include "app/cli/output_paths.hpp"
#include "core/backend/backend.hpp"
#include "core/datasets/dataset_registry.hpp"
#include "core/denoisers/denoiser_factory.hpp"
#include "core/errors.hpp"
#include "core/io/csv.hpp"
#include "core/io/table_writer.hpp"
#include "core/samplers/pf_divergence.hpp"
#include "core/samplers/points_likelihood.hpp"
#include "core/samplers/sample_to_end.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <optional>

namespace dfs::cli {

namespace {

/// Largest trajectory the command writes: (steps + 1) x particles rows.
constexpr double kMaxTrajectoryRows = 5e8;

struct SampleOptions {
    ModelOptions model;
    std::string sampler, spacing, init, out, trajectory, backend = "cpu";
    int steps = 0, threads = 0;
    std::optional<long> n;
    std::uint64_t seed = 0;
    double rho = 7.0;
    bool logLikelihood = false;
    double logLikelihoodTol = 1e-5; ///< rtol = atol of the likelihood's rk45
    int logLikelihoodProbes = 0;    ///< Hutchinson probes (0: the exact trace)
    SamplerOptions opts;
};

/// The final points with logp (and logp_exact) columns; the mean in words for the summary.
std::string writeWithLikelihood(const SampleOptions& o, const LoadedModel& m, const Matrix& x) {
    std::unique_ptr<Denoiser> built;
    const Denoiser* exact = m.denoiser->hasLogDensity() ? m.denoiser.get() : nullptr;
    if (!exact && m.data.gmm) {
        built = makeDenoiser("exact", m.data);
        exact = built.get();
    }
    LikelihoodOptions lo; // rk45, t_min = 1e-3
    lo.rtol = lo.atol = o.logLikelihoodTol;
    lo.probes = o.logLikelihoodProbes;
    const PointsLikelihood l = pointsLogLikelihood(*m.denoiser, exact, *m.schedule, x, lo);
    std::vector<std::string> header = pointColumns(m.denoiser->dim());
    header.push_back("logp");
    if (exact) header.push_back("logp_exact");
    Matrix rows(x.rows(), Index(header.size()));
    rows.leftCols(x.cols()) = x;
    rows.col(x.cols()) = l.logp;
    if (exact) rows.col(x.cols() + 1) = l.logpExact;
    writeRows(o.out, header, rows);
    const auto mean = [](const Vector& v) {
        double s = 0;
        long k = 0;
        for (Index i = 0; i < v.size(); ++i)
            if (std::isfinite(v[i])) s += v[i], ++k;
        return k ? s / double(k) : std::nan("");
    };
    std::string said = fmt::format("; mean log p {:.4f} nats through the PF-ODE (rk45 {:g}, t_min "
                                   "{:g}, {:.0f} NFE a point)",
                                   mean(l.logp), lo.rtol, lo.tMin, l.meanNfe);
    if (exact) said += fmt::format(", exact {:.4f}", mean(l.logpExact));
    if (l.skipped) said += fmt::format(", {} non-finite samples left NaN", l.skipped);
    return said;
}

void appendFrame(TableWriter& w, int step, double t, const Matrix& x) {
    std::vector<double> row(std::size_t(3 + x.cols()));
    row[0] = step;
    row[1] = t;
    for (Index p = 0; p < x.rows(); ++p) {
        row[2] = double(p);
        for (Index c = 0; c < x.cols(); ++c) row[std::size_t(3 + c)] = x(p, c);
        w.row(row);
    }
}

void runSample(const SampleOptions& o) {
    const SamplerInfo& info = findSampler(o.sampler);
    if (o.steps < 1 || o.steps > 100000)
        throw UsageError(fmt::format("--steps must be in [1, 100000] (got {})", o.steps));
    if (o.n.has_value() == !o.init.empty()) throw UsageError("give exactly one of --n and --init");
    requireDistinctOutputs({{"--out", o.out}, {"--trajectory", o.trajectory}});
    if (o.n && (*o.n < 1 || *o.n > long(kMaxDatasetPoints)))
        throw UsageError(
            fmt::format("--n must be in [1, {}] (got {})", long(kMaxDatasetPoints), *o.n));
    requireFinite("--rho", o.rho);
    if (o.rho <= 0) throw UsageError(fmt::format("--rho must be > 0 (got {})", o.rho));
    validateOptions(o.opts);
    LoadedModel m = buildModel(o.model);
    // Refused before sampling: a denoiser whose divergence has no exact form here.
    requireFinite("--log-likelihood-tol", o.logLikelihoodTol);
    if (!(o.logLikelihoodTol >= 1e-12 && o.logLikelihoodTol <= 0.1))
        throw UsageError(fmt::format("--log-likelihood-tol must be in [1e-12, 0.1] (got {})",
                                     o.logLikelihoodTol));
    if (o.logLikelihoodProbes < 0 || o.logLikelihoodProbes > 4096)
        throw UsageError(fmt::format("--log-likelihood-probes must be in [0, 4096] (got {})",
                                     o.logLikelihoodProbes));
    if (o.logLikelihood) // the probes' values do not matter here, only whether there are any
        PfOdeDivergence check(*m.denoiser, *m.schedule, false,
                              Matrix::Ones(o.logLikelihoodProbes, m.denoiser->dim()));

    const SamplerRunConfig config =
        makeRunConfig(*m.schedule, info.name, o.steps, o.spacing, o.rho, o.opts, o.seed);
    Matrix x0 = o.init.empty() ? SamplerRun::priorSample(*m.schedule, config.grid.front(), *o.n,
                                                         m.denoiser->dim(), o.seed)
                               : readPoints(o.init);
    if (x0.cols() != m.denoiser->dim())
        throw DataError(fmt::format("{}: points have {} dimensions, the dataset {}", o.init,
                                    x0.cols(), m.denoiser->dim()));
    const Index particles = x0.rows();
    if (!o.trajectory.empty() && double(particles) * (o.steps + 1) > kMaxTrajectoryRows)
        throw UsageError(
            fmt::format("--trajectory would hold {} x {} rows, over the limit of {:g}; "
                        "use fewer particles or steps",
                        particles, o.steps + 1, kMaxTrajectoryRows));

    auto backend = makeBackend(o.backend, o.threads);
    std::optional<TableWriter> traj;
    if (!o.trajectory.empty()) {
        std::vector<std::string> header = {"step", "t", "particle"};
        for (const auto& c : pointColumns(m.denoiser->dim())) header.push_back(c);
        traj.emplace(o.trajectory, header);
    }
    const auto start = std::chrono::steady_clock::now();
    StepSink sink;
    if (traj) sink = [&](int step, double t, const Matrix& x) { appendFrame(*traj, step, t, x); };
    const SampleResult r =
        sampleToEnd(*m.schedule, *m.denoiser, *backend, config, std::move(x0), sink);
    const char* where = r.onDevice ? ", the whole run on the device" : "";
    const long nfe = r.nfe;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::string likelihood;
    if (o.logLikelihood)
        likelihood = writeWithLikelihood(o, m, r.x);
    else
        writeRows(o.out, pointColumns(m.denoiser->dim()), r.x);
    if (traj) traj->commit();
    fmt::print("{}: {} particles, {} steps ({} grid from t = {:.6g}), {} NFE, {:.3f} s on {}{}{}; "
               "wrote {}{}{}\n",
               info.name, particles, o.steps, gridSpacingName(config.spacing), config.grid.front(),
               nfe, seconds, backend->device(), where, likelihood, o.out, traj ? " and " : "",
               o.trajectory);
}

} // namespace

Command addSampleCommand(CLI::App& app) {
    auto o = std::make_shared<SampleOptions>();
    CLI::App* cmd = app.add_subcommand("sample", "run a sampler from noise to data; write x,y");
    addModelOptions(*cmd, o->model);
    cmd->add_option("--sampler", o->sampler, "sampler (see 'list')")->required();
    cmd->add_option("--steps", o->steps, "number of steps K")->required();
    cmd->add_option("--spacing", o->spacing,
                    "time grid: uniform, logsnr or karras (default: the sampler's own)");
    cmd->add_option("--rho", o->rho, "Karras grid exponent rho")->capture_default_str();
    auto* n = cmd->add_option("--n", o->n, "number of particles drawn from the prior");
    cmd->add_option("--init", o->init,
                    "starting points (CSV x,y, .npy or .npz) at the grid's first time")
        ->excludes(n);
    addSeedOption(*cmd, "--seed", o->seed, "random seed (prior and sampler noise)");
    cmd->add_option("--eta", o->opts.eta, "DDIM eta")->capture_default_str();
    cmd->add_option("--churn", o->opts.churn, "EDM S_churn")->capture_default_str();
    cmd->add_option("--churn-tmin", o->opts.churnTMin, "EDM S_tmin")->capture_default_str();
    cmd->add_option("--churn-tmax", o->opts.churnTMax, "EDM S_tmax")->capture_default_str();
    cmd->add_option("--churn-noise", o->opts.churnNoise, "EDM S_noise")->capture_default_str();
    cmd->add_option("--snr", o->opts.snr, "Langevin corrector signal-to-noise ratio")
        ->capture_default_str();
    cmd->add_option("--corrector-steps", o->opts.correctorSteps, "corrector steps per level (pc)")
        ->capture_default_str();
    cmd->add_option("--langevin-steps", o->opts.langevinSteps, "steps per level (langevin)")
        ->capture_default_str();
    cmd->add_option("--langevin-step", o->opts.langevinStep,
                    "annealed Langevin step in units of sigma^2")
        ->capture_default_str();
    cmd->add_option("--backend", o->backend, "compute backend (see 'list')")->capture_default_str();
    cmd->add_option("--threads", o->threads, "CPU threads (0 = one per core)")
        ->capture_default_str();
    cmd->add_option("--out", o->out, "final points: .csv, or .npy/.npz by the extension")
        ->required();
    cmd->add_option("--trajectory", o->trajectory, "also write every frame: step,t,particle,x,y");
    cmd->add_flag("--log-likelihood", o->logLikelihood,
                  "add each sample's log p through the PF-ODE (logp; rk45, rtol = atol = 1e-5, "
                  "at t_min = 1e-3) and the closed form where there is one (logp_exact)");
    cmd->add_option("--log-likelihood-probes", o->logLikelihoodProbes,
                    "--log-likelihood with Hutchinson's estimate of the divergence, K fixed "
                    "probes (0 = the exact trace; a U-Net needs K >= 1)")
        ->capture_default_str();
    cmd->add_option("--log-likelihood-tol", o->logLikelihoodTol,
                    "rtol = atol of the --log-likelihood solve")
        ->capture_default_str();
    return {cmd, [o] { runSample(*o); }};
}

} // namespace dfs::cli
