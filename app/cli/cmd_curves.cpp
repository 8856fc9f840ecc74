// `diffuscope-cli curves`: the curves of a perspective over logSNR as CSV or JSON, computed on
// noised data (diffusion-math.md Sections 1.1, 1.3 and 1.8):
//   autoencoder  MSE(t) of the denoiser and the Bayes error of the exact/ideal reference, with
//                standard errors, and each target's implied weighting (Section 2.3);
//   expectation  the mean effective count N_eff and entropy of the posterior weights, and the
//                Bayes error E tr Cov[x0 | x_t] / d;
//   score        the score-matching loss E||s_theta - s*||^2 / d, which equals alpha^2/sigma^4
//                times the squared denoiser gap E||D_theta - D*||^2 / d (s = (alpha D - x) /
//                sigma^2), and the DSM loss E||s_theta + eps/sigma||^2 / d = alpha^2/sigma^4 MSE,
//                whose floor is alpha^2/sigma^4 times the Bayes error;
//   rnn          per step of one particle's sampler run: the cell's coefficients, NFE and the
//                singular values and log |det| of its Jacobian (Section 1.6; curves_rnn.hpp);
//   elbo         the chain's negative ELBO with --steps T (core/metrics/chain_elbo.hpp,
//                Section 1.2): one row per term (reconstruction, the T steps' KL, the prior) in
//                nats with its standard error and the bound added up from the prior, and a
//                summary line with the total in nats and bits/dim and the exact -log p_0. On
//                image datasets the pixels count as 8-bit (--discrete-levels 256): x0 snapped
//                to its level and Ho et al. 2020's discretised decoder (eq. 13) as the last
//                term, so the bits/dim are the discrete images' (no dequantisation offset).
//   likelihood   held-out NLL through the PF-ODE against the solver's tolerance (rk45) or steps
//                (rk4), beside the exact GMM's (curves_likelihood.hpp, Section 3.8).
#include "app/cli/command.hpp"
#include "app/cli/curves_likelihood.hpp"
#include "app/cli/curves_rnn.hpp"
#include "app/cli/model_options.hpp"
#include "core/datasets/image_datasets.hpp"
#include "core/denoisers/denoiser_factory.hpp"
#include "core/denoisers/posterior.hpp"
#include "core/errors.hpp"
#include "core/io/table_io.hpp"
#include "core/metrics/chain_elbo.hpp"
#include "core/metrics/denoising_error.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <memory>

namespace dfs::cli {

namespace {

struct CurvesOptions {
    ModelOptions model;
    std::string perspective, out;
    long n = 2000;
    int points = 24;
    std::uint64_t seed = 0;
    int discreteLevels = -1; ///< elbo: -1 auto (256 on image datasets, else 0)
    RnnCurveOptions rnn;
    LikelihoodCurveOptions likelihood;
};

Table expectationTable(const std::vector<DenoisingErrorPoint>& curve) {
    Table t{
        {"logsnr", "t", "sigma", "n_eff", "n_eff_se", "entropy", "entropy_se", "bayes", "bayes_se"},
        Matrix(Index(curve.size()), 9)};
    for (std::size_t i = 0; i < curve.size(); ++i) {
        const DenoisingErrorPoint& p = curve[i];
        t.rows.row(Index(i)) << p.logSnr, p.t, p.sigma, p.nEff, p.nEffSe, p.entropy, p.entropySe,
            p.bayes, p.bayesSe;
    }
    return t;
}

Table scoreTable(const std::vector<DenoisingErrorPoint>& curve) {
    Table t{
        {"logsnr", "t", "sigma", "sm_loss", "sm_loss_se", "dsm_loss", "dsm_loss_se", "dsm_floor"},
        Matrix(Index(curve.size()), 8)};
    for (std::size_t i = 0; i < curve.size(); ++i) {
        const DenoisingErrorPoint& p = curve[i];
        const double w = p.weights.score; // alpha^2 / sigma^4
        t.rows.row(Index(i)) << p.logSnr, p.t, p.sigma, w * p.gap, w * p.gapSe, w * p.mse,
            w * p.mseSe, w * p.bayes;
    }
    return t;
}

void runElbo(const CurvesOptions& o, const LoadedModel& m) {
    const int steps = o.rnn.steps; // --steps, shared with rnn
    if (steps < 1 || steps > 100'000)
        throw UsageError(fmt::format("--steps must be in [1, 100000] (got {})", steps));
    ChainElboOptions opts;
    opts.steps = steps;
    opts.samples = o.n;
    opts.seed = o.seed;
    if (o.discreteLevels < -1 || o.discreteLevels == 1 || o.discreteLevels > 65536)
        throw UsageError(fmt::format("--discrete-levels must be 0 (continuous) or in [2, 65536] "
                                     "(got {})",
                                     o.discreteLevels));
    opts.discreteLevels =
        o.discreteLevels >= 0 ? o.discreteLevels : (isImageDataset(o.model.dataset) ? 256 : 0);
    const ChainElbo e = chainElbo(*m.denoiser, *m.schedule, m.data.points, opts,
                                  m.data.gmm ? &*m.data.gmm : nullptr);
    writeTable(o.out, chainElboTable(e));
    fmt::print("elbo of {} on {} ({}), T = {} steps uniform in logSNR from t = {:.3g} to {:.3g}, "
               "{} data points: -ELBO {:.4f} +- {:.4f} nats = {:.4f} bits/dim (prior {:.3g}, "
               "steps {:.4f}, reconstruction {:.4f} with decoder sd {:.3g})",
               m.denoiser->name(), m.data.name, m.schedule->name(), e.steps, e.times.front(),
               e.times.back(), e.samples, e.total, e.totalSe, e.bitsPerDim(), e.prior, e.stepSum(),
               e.reconstruction, e.decoderStd);
    if (e.discreteLevels > 0)
        fmt::print("; discrete data of {} levels in [-1, 1] (x0 snapped to them; Ho et al. 2020 "
                   "discretised decoder, eq. 13), so the bits/dim are of the discrete data",
                   e.discreteLevels);
    if (e.hasExact)
        fmt::print("; exact -log p0 {:.4f} nats (gap {:.4f} +- {:.4f})", e.exactNll,
                   e.total - e.exactNll, e.gapSe);
    fmt::print("; wrote {}\n", o.out);
}

void runLikelihood(const CurvesOptions& o, const LoadedModel& m) {
    const LikelihoodCurve c = likelihoodCurve(m, o.likelihood, o.n, o.seed);
    writeTable(o.out, c.table);
    const Index last = c.table.rows.rows() - 1;
    fmt::print("likelihood curves of {} on {} ({}), {} at t_min = 1e-3, {} levels of {}: NLL "
               "{:.4f} +- {:.4f} nats = {:.4f} bits/dim at the tightest",
               m.denoiser->name(), m.data.name, m.schedule->name(), c.heldOut, c.table.rows.rows(),
               o.likelihood.solver, c.table.rows(last, 2), c.table.rows(last, 3),
               c.table.rows(last, 4));
    if (c.hasExact)
        fmt::print("; exact NLL {:.4f} nats = {:.4f} bits/dim", c.table.rows(last, 7),
                   c.table.rows(last, 8));
    fmt::print("; prior: {}; wrote {}\n", c.prior, o.out);
}

void runCurves(const CurvesOptions& o) {
    if (o.perspective != "autoencoder" && o.perspective != "expectation" &&
        o.perspective != "score" && o.perspective != "rnn" && o.perspective != "elbo" &&
        o.perspective != "likelihood")
        throw UsageError(fmt::format("unknown perspective '{}' (choose from autoencoder, "
                                     "expectation, score, rnn, elbo, likelihood)",
                                     o.perspective));
    if (!isTablePath(o.out))
        throw UsageError(fmt::format("--out {}: use a .csv or .json file", o.out));
    if (o.perspective == "rnn") {
        const LoadedModel m = buildModel(o.model);
        const Table table = rnnCurvesTable(m, o.rnn, o.seed);
        writeTable(o.out, table);
        fmt::print("rnn curves of {} on {} ({}): {} cells of {} for particle {}; wrote {}\n",
                   m.denoiser->name(), m.data.name, m.schedule->name(), table.rows.rows(),
                   o.rnn.sampler, o.rnn.particle, o.out);
        return;
    }
    if (o.n < 2 || o.n > 1'000'000)
        throw UsageError(fmt::format("--n must be in [2, 1000000] (got {})", o.n));
    if (o.points < 2 || o.points > 1000)
        throw UsageError(fmt::format("--points must be in [2, 1000] (got {})", o.points));
    LoadedModel m = buildModel(o.model);
    if (o.perspective == "elbo") return runElbo(o, m);
    if (o.perspective == "likelihood") return runLikelihood(o, m);
    // The reference: the model itself when it is exact or ideal, else the exact denoiser of GMM
    // data or the ideal denoiser of the training set.
    NoiseLevel probe;
    probe.alpha = probe.sigma = 1;
    std::unique_ptr<Denoiser> built;
    const Denoiser* reference = m.denoiser.get();
    if (!exactPosterior(*m.denoiser, probe)) {
        built = makeDenoiser(m.data.gmm ? "exact" : "ideal", m.data);
        reference = built.get();
    }
    DenoisingErrorOptions opts;
    opts.samples = o.n;
    opts.points = o.points;
    opts.seed = o.seed;
    opts.posteriorStats = o.perspective == "expectation";
    const auto curve =
        denoisingErrorCurve(*m.denoiser, reference, *m.schedule, m.data.points, opts);
    const Table table = o.perspective == "autoencoder"   ? denoisingErrorTable(curve)
                        : o.perspective == "expectation" ? expectationTable(curve)
                                                         : scoreTable(curve);
    writeTable(o.out, table);
    fmt::print("{} curves of {} on {} ({}, reference {}): {} levels of logSNR in [{:.3g}, {:.3g}], "
               "{} noised points each; wrote {}\n",
               o.perspective, m.denoiser->name(), m.data.name, m.schedule->name(),
               reference->name(), curve.size(), curve.front().logSnr, curve.back().logSnr, o.n,
               o.out);
}

} // namespace

Command addCurvesCommand(CLI::App& app) {
    auto o = std::make_shared<CurvesOptions>();
    CLI::App* cmd = app.add_subcommand(
        "curves", "write a perspective's curves over logSNR (MSE and Bayes error, posterior "
                  "N_eff and entropy, score-matching losses, the chain's ELBO per step)");
    cmd->add_option(
           "--perspective", o->perspective,
           "autoencoder (logsnr,t,sigma,mse,mse_se,bayes,bayes_se,w_eps,w_v,w_velocity,"
           "w_score), expectation (n_eff, entropy, bayes), score (sm_loss, dsm_loss), rnn "
           "(step,t,t_next,a,b,c,nfe,sigma_1..sigma_d,log_abs_det,log_abs_det_run) or elbo "
           "(step,s,t,nats,se,cumulative: row 0 the reconstruction, rows 1..T the steps' "
           "KL, row T+1 the prior) or likelihood (tol|steps,nfe,nll,nll_se,bits_per_dim"
           "[,exact_ode_nfe,exact_ode_nll,exact_nll,exact_bits_per_dim])")
        ->required();
    addModelOptions(*cmd, o->model);
    cmd->add_option("--n", o->n,
                    "noised data points per level (elbo: data points; likelihood: held-out)")
        ->capture_default_str();
    cmd->add_option("--points", o->points, "levels, evenly spaced in logSNR")
        ->capture_default_str();
    addSeedOption(*cmd, "--seed", o->seed, "seed of the data draws and the noise");
    cmd->add_option("--sampler", o->rnn.sampler, "rnn: the sampler unrolled")
        ->capture_default_str();
    cmd->add_option("--steps", o->rnn.steps,
                    "rnn: its steps; elbo: the chain's steps T, evenly spaced in logSNR")
        ->capture_default_str();
    cmd->add_option("--particle", o->rnn.particle, "rnn: the particle whose x_T starts the run")
        ->capture_default_str();
    cmd->add_option("--discrete-levels", o->discreteLevels,
                    "elbo: data of L levels in [-1, 1] scored with Ho et al.'s discretised "
                    "decoder (0: continuous data; default: 256 on image datasets, else 0)");
    cmd->add_option("--solver", o->likelihood.solver,
                    "likelihood: rk45 (rtol = atol = 1e-1 .. 1e-6) or rk4 (2 .. 256 steps)")
        ->capture_default_str();
    cmd->add_option("--probes", o->likelihood.probes,
                    "likelihood: Hutchinson's estimate with K fixed probes (0 = the exact trace; "
                    "a U-Net on images needs K >= 1)");
    cmd->add_option("--out", o->out, "F.csv, F.json, F.npy or F.npz")->required();
    return {cmd, [o] { runCurves(*o); }};
}

} // namespace dfs::cli
