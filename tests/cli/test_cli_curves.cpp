// diffuscope-cli curves: each perspective's CSV has its columns, and its values meet the closed
// forms they stand on (gmm8, the exact model): the Bayes error of a well-separated component at
// low noise, c^2 sigma^2 / (alpha^2 c^2 + sigma^2); the MSE column as its Monte Carlo estimate;
// N_eff from 8 to 1 and entropy from log 8 to 0; the DSM loss as alpha^2/sigma^4 times the MSE.
#include "cli_checks.hpp"
#include "cli_runner.hpp"

#include "core/datasets/gmm_datasets.hpp"
#include "core/io/csv.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace dfs;
using namespace dfs::test;

namespace {

CsvTable curves(const Scratch& s, const std::string& perspective, const std::string& file) {
    const CliResult r =
        runCli({"curves", "--perspective", perspective, "--dataset", "gmm8", "--denoiser", "exact",
                "--n", "1500", "--seed", "3", "--out", s.path(file)});
    INFO("stderr: " << r.err);
    REQUIRE(r.exitCode == 0);
    return readCsv(s.path(file));
}

double at(const CsvTable& t, Index row, const std::string& column) {
    for (std::size_t c = 0; c < t.header.size(); ++c)
        if (t.header[c] == column) return t.values(row, Index(c));
    FAIL("no column " << column);
    return 0;
}

} // namespace

TEST_CASE("cli curves --perspective autoencoder: MSE and the Bayes error", "[cli]") {
    Scratch s("cmd_curves_ae");
    const CsvTable t = curves(s, "autoencoder", "ae.csv");
    CHECK(t.header == std::vector<std::string>{"logsnr", "t", "sigma", "mse", "mse_se", "bayes",
                                               "bayes_se", "w_eps", "w_v", "w_velocity",
                                               "w_score"});
    REQUIRE(t.values.rows() == 24);
    for (Index r = 0; r < t.values.rows(); ++r) {
        INFO("row " << r);
        CHECK(std::abs(at(t, r, "mse") - at(t, r, "bayes")) <
              4 * std::hypot(at(t, r, "mse_se"), at(t, r, "bayes_se")));
        CHECK(at(t, r, "w_eps") == Approx(std::exp(at(t, r, "logsnr"))));
    }
    // At the lowest noise each x_t has one component (means 1.15 apart, sigma ~ 0.01): the
    // posterior is that component's Gaussian, c^2 sigma^2 / (alpha^2 c^2 + sigma^2) per dimension.
    const Index last = t.values.rows() - 1;
    const double c = kGmm8DefaultStd, sigma = at(t, last, "sigma");
    const double alpha2 = 1 - sigma * sigma; // vp-linear is variance preserving
    CHECK(at(t, last, "bayes") ==
          Approx(c * c * sigma * sigma / (alpha2 * c * c + sigma * sigma)).epsilon(1e-6));
}

TEST_CASE("cli curves --perspective expectation: N_eff and entropy of the posterior", "[cli]") {
    Scratch s("cmd_curves_ex");
    const CsvTable t = curves(s, "expectation", "ex.csv");
    CHECK(t.header == std::vector<std::string>{"logsnr", "t", "sigma", "n_eff", "n_eff_se",
                                               "entropy", "entropy_se", "bayes", "bayes_se"});
    // Equal weights at high noise: N_eff = 8 and entropy = log 8; one component at low noise.
    CHECK(at(t, 0, "n_eff") == Approx(8).epsilon(0.01));
    CHECK(at(t, 0, "entropy") == Approx(std::log(8.0)).epsilon(1e-3));
    const Index last = t.values.rows() - 1;
    CHECK(at(t, last, "n_eff") == Approx(1).epsilon(1e-6));
    CHECK(at(t, last, "entropy") < 1e-6);
    for (Index r = 1; r < t.values.rows(); ++r) CHECK(at(t, r, "bayes") < at(t, r - 1, "bayes"));
}

TEST_CASE("cli curves --perspective score: SM and DSM losses", "[cli]") {
    Scratch s("cmd_curves_score");
    const CsvTable t = curves(s, "score", "s.csv");
    const CsvTable ae = curves(s, "autoencoder", "ae.csv"); // the same seed: the same samples
    CHECK(t.header == std::vector<std::string>{"logsnr", "t", "sigma", "sm_loss", "sm_loss_se",
                                               "dsm_loss", "dsm_loss_se", "dsm_floor"});
    for (Index r = 0; r < t.values.rows(); ++r) {
        INFO("row " << r);
        CHECK(at(t, r, "sm_loss") == 0.0); // the exact model is its own reference
        // DSM loss = alpha^2/sigma^4 E||D - x0||^2 / d (diffusion-math.md 2.3).
        CHECK(at(t, r, "dsm_loss") ==
              Approx(at(ae, r, "w_score") * at(ae, r, "mse")).epsilon(1e-9));
        CHECK(at(t, r, "dsm_floor") ==
              Approx(at(ae, r, "w_score") * at(ae, r, "bayes")).epsilon(1e-9));
    }
}

TEST_CASE("cli curves refuses bad names in one line", "[cli]") {
    Scratch s("cmd_curves_bad");
    checkFailure(runCli({"curves", "--perspective", "flow", "--dataset", "gmm8", "--denoiser",
                         "exact", "--out", s.path("x.csv")}),
                 2, {"unknown perspective 'flow'", "autoencoder, expectation, score, rnn"});
    checkFailure(runCli({"curves", "--perspective", "score", "--dataset", "gmm8", "--denoiser",
                         "exact", "--out", s.path("x.txt")}),
                 2, {"--out", ".csv or .json"});
    checkFailure(runCli({"curves", "--perspective", "score", "--dataset", "gmm8", "--denoiser",
                         "exact", "--n", "1", "--out", s.path("x.csv")}),
                 2, {"--n must be in [2, 1000000]"});
    checkFailure(runCli({"curves", "--perspective", "score", "--dataset", "nope", "--denoiser",
                         "exact", "--out", s.path("x.csv")}),
                 2, {"unknown dataset 'nope'"});
}

TEST_CASE("cli curves --perspective elbo: the chain's bound term by term", "[cli]") {
    Scratch s("cmd_curves_elbo");
    double bound[2] = {0, 0};
    int k = 0;
    for (const char* steps : {"20", "100"}) {
        const std::string file = std::string("elbo") + steps + ".csv";
        const CliResult r =
            runCli({"curves", "--perspective", "elbo", "--dataset", "gmm8", "--denoiser", "exact",
                    "--steps", steps, "--n", "1500", "--seed", "3", "--out", s.path(file)});
        INFO("stderr: " << r.err);
        REQUIRE(r.exitCode == 0);
        CHECK(r.out.find("bits/dim") != std::string::npos);
        CHECK(r.out.find("exact -log p0") != std::string::npos);
        const CsvTable t = readCsv(s.path(file));
        CHECK(t.header == std::vector<std::string>{"step", "s", "t", "nats", "se", "cumulative"});
        const Index T = std::stol(steps);
        REQUIRE(t.values.rows() == T + 2);
        // Rows: reconstruction, the T steps from the data end, the prior; the cumulative column
        // adds the terms from the prior down, so row 0 holds -ELBO = the sum of the nats column.
        CHECK(at(t, 0, "cumulative") == Approx(t.values.col(3).sum()).epsilon(1e-9));
        CHECK(at(t, T + 1, "cumulative") == at(t, T + 1, "nats"));
        for (Index r = 1; r <= T; ++r) {
            CHECK(at(t, r, "t") > at(t, r, "s"));
            CHECK(at(t, r, "nats") >= 0);
        }
        CHECK(at(t, 0, "nats") < 0); // a narrow Gaussian decoder's density exceeds 1
        bound[k++] = at(t, 0, "cumulative");
    }
    CHECK(bound[0] > bound[1] + 1); // measured 3.65 -> 0.83 nats
    const CliResult bad =
        runCli({"curves", "--perspective", "elbo", "--dataset", "gmm8", "--denoiser", "exact",
                "--steps", "0", "--out", s.path("bad.csv")});
    CHECK(bad.exitCode != 0);
    CHECK(bad.err.find("--steps") != std::string::npos);
}

TEST_CASE("cli curves --perspective rnn: one DDIM cell per step", "[cli]") {
    // DDIM's cell (diffusion-math.md 1.6): a = sigma'/sigma, b = alpha' - alpha sigma'/sigma,
    // c = 0; vp-linear has alpha^2 = 1 - sigma^2. log|det| of the run is the sum of the cells'.
    Scratch s("cmd_curves_rnn");
    const CliResult r = runCli({"curves", "--perspective", "rnn", "--dataset", "gmm8", "--denoiser",
                                "exact", "--sampler", "ddim", "--steps", "10", "--particle", "4",
                                "--seed", "2", "--out", s.path("rnn.csv")});
    INFO("stderr: " << r.err);
    REQUIRE(r.exitCode == 0);
    const CsvTable t = readCsv(s.path("rnn.csv"));
    CHECK(t.header == std::vector<std::string>{"step", "t", "t_next", "a", "b", "c", "nfe",
                                               "sigma_1", "sigma_2", "log_abs_det",
                                               "log_abs_det_run"});
    REQUIRE(t.values.rows() == 10);
    const auto level = [](double tt) { // vp-linear: beta from 0.1 to 20 (Ho et al. 2020)
        const double logAlpha = -0.25 * tt * tt * (20 - 0.1) - 0.5 * tt * 0.1;
        const double a = std::exp(logAlpha);
        return std::pair{a, std::sqrt(1 - a * a)};
    };
    double sum = 0;
    for (Index i = 0; i < 10; ++i) {
        INFO("step " << i);
        const auto [a0, s0] = level(at(t, i, "t"));
        const auto [a1, s1] = level(at(t, i, "t_next"));
        CHECK(at(t, i, "a") == Approx(s1 / s0).margin(1e-6));
        CHECK(at(t, i, "b") == Approx(a1 - a0 * s1 / s0).margin(1e-6));
        CHECK(at(t, i, "c") == 0.0);
        CHECK(at(t, i, "nfe") == 1.0);
        CHECK(at(t, i, "sigma_1") >= at(t, i, "sigma_2"));
        CHECK(at(t, i, "log_abs_det") ==
              Approx(std::log(at(t, i, "sigma_1") * at(t, i, "sigma_2"))).margin(1e-6));
        sum += at(t, i, "log_abs_det");
        CHECK(at(t, i, "log_abs_det_run") == Approx(sum).margin(1e-6));
    }
    checkFailure(runCli({"curves", "--perspective", "rnn", "--dataset", "gmm8", "--denoiser",
                         "exact", "--sampler", "pc", "--out", s.path("x.csv")}),
                 2, {"affine"});
}

TEST_CASE("cli curves --perspective elbo on images: bits/dim of 8-bit pixels", "[cli]") {
    Scratch s("cmd_curves_elbo_images");
    const CliResult r = runCli({"curves", "--perspective", "elbo", "--dataset", "shapes",
                                "--resolution", "8", "--data-n", "200", "--denoiser", "ideal",
                                "--steps", "10", "--n", "40", "--out", s.path("img.csv")});
    INFO("stderr: " << r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("discrete data of 256 levels") != std::string::npos);
    const CsvTable t = readCsv(s.path("img.csv"));
    REQUIRE(t.values.rows() == 12);
    // The discretised decoder's term is a probability's -log: >= 0 (a density's may be < 0).
    CHECK(at(t, 0, "nats") >= 0);
    // The summary's bits/dim is the total over 64 ln 2.
    const double total = at(t, 0, "cumulative");
    const std::size_t at0 = r.out.find("nats = ");
    REQUIRE(at0 != std::string::npos);
    CHECK(std::stod(r.out.substr(at0 + 7)) == Approx(total / (64 * std::log(2.0))).epsilon(1e-3));
    checkFailure(runCli({"curves", "--perspective", "elbo", "--dataset", "gmm8", "--denoiser",
                         "exact", "--discrete-levels", "1", "--out", s.path("x.csv")}),
                 2, {"--discrete-levels"});
}

TEST_CASE("cli curves --perspective rnn with untied networks: split at 0 is the upper one's run",
          "[cli]") {
    Scratch s("cmd_curves_split");
    auto rnn = [&](std::vector<std::string> extra, const std::string& file) {
        std::vector<std::string> args{"curves",    "--perspective", "rnn",  "--dataset",
                                      "gmm8",      "--sampler",     "ddim", "--steps",
                                      "8",         "--seed",        "2",    "--out",
                                      s.path(file)};
        args.insert(args.end(), extra.begin(), extra.end());
        const CliResult r = runCli(args);
        INFO("stderr: " << r.err);
        REQUIRE(r.exitCode == 0);
        return readCsv(s.path(file));
    };
    const CsvTable exact = rnn({"--denoiser", "exact"}, "a.csv");
    const CsvTable ideal = rnn({"--denoiser", "ideal"}, "b.csv");
    const CsvTable zero =
        rnn({"--denoiser", "exact", "--denoiser-below", "ideal", "--sigma-split", "0"}, "c.csv");
    const CsvTable inf =
        rnn({"--denoiser", "exact", "--denoiser-below", "ideal", "--sigma-split", "inf"}, "d.csv");
    CHECK(zero.values == exact.values);
    CHECK(inf.values == ideal.values);
    CHECK(!(exact.values == ideal.values));
    checkFailure(runCli({"curves", "--perspective", "rnn", "--dataset", "gmm8", "--denoiser",
                         "exact", "--sigma-split", "0.5", "--out", s.path("x.csv")}),
                 2, {"--denoiser-below"});
    checkFailure(
        runCli({"curves", "--perspective", "rnn", "--dataset", "gmm8", "--denoiser", "exact",
                "--denoiser-below", "ideal", "--sigma-split", "-1", "--out", s.path("x.csv")}),
        2, {"--sigma-split"});
}

TEST_CASE("cli curves --perspective likelihood: the held-out NLL converges to the exact one",
          "[cli]") {
    // On gmm8 with the exact denoiser the ODE's log p_{t_min} tends to the closed form (diffusion-
    // math.md 3.8, 4.3) as the solver tightens; bits/dim = NLL / (2 ln 2); rk4 costs 4 NFE a step.
    Scratch s("cmd_curves_lik");
    for (const char* solver : {"rk45", "rk4"}) {
        INFO(solver);
        const bool adaptive = std::string(solver) == "rk45";
        const CliResult r = runCli({"curves", "--perspective", "likelihood", "--dataset", "gmm8",
                                    "--denoiser", "exact", "--solver", solver, "--n", "200",
                                    "--seed", "5", "--out", s.path("lik.csv")});
        INFO("stderr: " << r.err);
        REQUIRE(r.exitCode == 0);
        CHECK(r.out.find("exact NLL") != std::string::npos);
        const CsvTable t = readCsv(s.path("lik.csv"));
        CHECK(t.header == std::vector<std::string>{
                              adaptive ? "tol" : "steps", "nfe", "nll", "nll_se", "bits_per_dim",
                              "exact_ode_nfe", "exact_ode_nll", "exact_nll", "exact_bits_per_dim"});
        const Index rows = t.values.rows();
        REQUIRE(rows == (adaptive ? 6 : 8));
        for (Index i = 0; i < rows; ++i) {
            CHECK(at(t, i, "bits_per_dim") ==
                  Approx(at(t, i, "nll") / (2 * std::log(2.0))).epsilon(1e-12));
            CHECK(at(t, i, "exact_ode_nll") == at(t, i, "nll")); // the model is the reference
            CHECK(at(t, i, "nll_se") > 0);
            if (!adaptive) CHECK(at(t, i, "nfe") == 4 * at(t, i, "steps"));
            if (i > 0) CHECK(at(t, i, "nfe") > at(t, i - 1, "nfe"));
        }
        const double first = std::abs(at(t, 0, "nll") - at(t, 0, "exact_nll"));
        const double last = std::abs(at(t, rows - 1, "nll") - at(t, rows - 1, "exact_nll"));
        CHECK(last < 1e-4); // measured 5e-7 (rk45 at 1e-6), 2e-6 (rk4, 256 steps)
        CHECK(first > 100 * last);
    }
    checkFailure(runCli({"curves", "--perspective", "likelihood", "--dataset", "gmm8", "--denoiser",
                         "exact", "--solver", "euler", "--out", s.path("x.csv")}),
                 2, {"solver", "euler"});
}

TEST_CASE("cli curves --perspective likelihood --probes: Hutchinson's NLL within its probe error",
          "[cli]") {
    // In 2-D the exact GMM's posterior covariance has off-diagonal terms, so Rademacher probes
    // do not give the trace exactly: the probes' standard error is positive, and the estimate
    // stays within a few of them of the closed form.
    Scratch s("cmd_curves_lik_probes");
    const CliResult r = runCli({"curves", "--perspective", "likelihood", "--dataset", "gmm8",
                                "--denoiser", "exact", "--solver", "rk4", "--probes", "4", "--n",
                                "100", "--seed", "5", "--out", s.path("lik.csv")});
    INFO("stderr: " << r.err);
    REQUIRE(r.exitCode == 0);
    const CsvTable t = readCsv(s.path("lik.csv"));
    CHECK(t.header == std::vector<std::string>{"steps", "nfe", "nll", "nll_se", "bits_per_dim",
                                               "nll_probe_se", "exact_ode_nfe", "exact_ode_nll",
                                               "exact_nll", "exact_bits_per_dim"});
    const Index last = t.values.rows() - 1;
    CHECK(at(t, last, "nll_probe_se") > 1e-4);
    CHECK(std::abs(at(t, last, "nll") - at(t, last, "exact_nll")) <=
          4 * at(t, last, "nll_probe_se") + 1e-4);
    checkFailure(runCli({"curves", "--perspective", "likelihood", "--dataset", "gmm8", "--denoiser",
                         "exact", "--probes", "-2", "--out", s.path("x.csv")}),
                 2, {"--probes"});
}
