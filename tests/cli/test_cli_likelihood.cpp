// diffuscope-cli likelihood: the CSV's columns, a value against the closed form on a single
// Gaussian (gmm:FILE.json with one component: log N(x; alpha mu, (alpha^2 c^2 + sigma^2) I) at
// t_min, diffusion-math.md 4.3), the summary line, and bad input as a one-line error.
#include "cli_checks.hpp"
#include "cli_runner.hpp"

#include "core/io/csv.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <numbers>

using namespace dfs;
using namespace dfs::test;

TEST_CASE("cli likelihood: log p of a single Gaussian equals its analytic density", "[cli]") {
    Scratch s("cmd_likelihood");
    writeText(s.path("one.json"), R"({"means": [[1.0, -0.5]], "stds": [0.7]})");
    writeText(s.path("pts.csv"), "x,y\n1.0,-0.5\n2.0,0.3\n-0.4,-1.2\n");
    for (const char* solver : {"rk45", "rk4"}) {
        const CliResult r = runCli({"likelihood", "--dataset", "gmm:" + s.path("one.json"),
                                    "--denoiser", "exact", "--schedule", "cosine", "--points",
                                    s.path("pts.csv"), "--solver", solver, "--rtol", "1e-7",
                                    "--atol", "1e-7", "--steps", "200", "--out", s.path("l.csv")});
        INFO(solver << " stderr: " << r.err);
        REQUIRE(r.exitCode == 0);
        CHECK(r.out.find("mean NLL") != std::string::npos);
        CHECK(r.out.find("bits/dim") != std::string::npos);
        const CsvTable t = readCsv(s.path("l.csv"));
        CHECK(t.header == std::vector<std::string>{"x", "y", "logp", "nfe"});
        REQUIRE(t.values.rows() == 3);
        // cosine at t_min = 1e-3 (iDDPM, s = 0.008): alpha = cos(((t + s)/(1 + s)) pi/2) /
        // cos((s/(1 + s)) pi/2).
        const double sOff = 0.008, tMin = 1e-3;
        const double f = std::cos((tMin + sOff) / (1 + sOff) * std::numbers::pi / 2);
        const double f0 = std::cos(sOff / (1 + sOff) * std::numbers::pi / 2);
        const double alpha = f / f0, sigma2 = 1 - alpha * alpha;
        const double v = alpha * alpha * 0.49 + sigma2;
        double nll = 0;
        for (Index i = 0; i < 3; ++i) {
            const double dx = t.values(i, 0) - alpha * 1.0, dy = t.values(i, 1) + alpha * 0.5;
            const double exact =
                -std::log(2 * std::numbers::pi * v) - 0.5 * (dx * dx + dy * dy) / v;
            CHECK(t.values(i, 2) == Approx(exact).margin(1e-5));
            CHECK(t.values(i, 3) > 0);
            nll -= t.values(i, 2) / 3;
        }
        if (std::string(solver) == "rk4") CHECK(t.values(0, 3) == 800);
        const std::size_t at = r.out.find("mean NLL ");
        REQUIRE(at != std::string::npos);
        CHECK(std::stod(r.out.substr(at + 9)) == Approx(nll).margin(1e-5));
    }
}

TEST_CASE("cli likelihood: bad input is a one-line error", "[cli]") {
    Scratch s("cmd_likelihood_bad");
    writeText(s.path("pts.csv"), "x,y\n1.0,-0.5\n");
    writeText(s.path("three.csv"), "p0,p1,p2\n1,2,3\n");
    const std::vector<std::string> base = {"likelihood", "--dataset", "gmm8",         "--denoiser",
                                           "exact",      "--out",     s.path("l.csv")};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> a = base;
        a.insert(a.end(), extra.begin(), extra.end());
        return runCli(a);
    };
    checkFailure(with({"--points", s.path("pts.csv"), "--solver", "euler"}), 2,
                 {"solver", "euler"});
    checkFailure(with({"--points", s.path("pts.csv"), "--rtol", "0"}), 2, {"--rtol"});
    checkFailure(with({"--points", s.path("pts.csv"), "--t-min", "0"}), 2, {"--t-min"});
    checkFailure(with({"--points", s.path("three.csv")}), 1, {"three.csv", "3 dimensions"});
    checkFailure(with({"--points", s.path("missing.csv")}), 1, {"missing.csv"});
    checkFailure(
        runCli({"likelihood", "--dataset", "gmm8", "--denoiser", "exact", "--class", "0",
                "--guidance", "2", "--points", s.path("pts.csv"), "--out", s.path("l.csv")}),
        2, {"exact+guidance"});
}

TEST_CASE("cli sample --log-likelihood: each sample's log p equals the analytic density", "[cli]") {
    // A single Gaussian N(mu, c^2 I): log p_{t_min}(x) = log N(x; alpha mu, (alpha^2 c^2 +
    // sigma^2) I) (diffusion-math.md 4.3) on vp-linear at t_min = 1e-3; the ODE's value within
    // the solver's tolerance, the closed-form column exactly.
    Scratch s("cmd_sample_logp");
    writeText(s.path("one.json"), R"({"means": [[1.0, -0.5]], "stds": [0.7]})");
    const CliResult r =
        runCli({"sample", "--dataset", "gmm:" + s.path("one.json"), "--denoiser", "exact",
                "--sampler", "ddim", "--steps", "40", "--n", "12", "--seed", "4",
                "--log-likelihood", "--log-likelihood-tol", "1e-7", "--out", s.path("s.csv")});
    INFO("stderr: " << r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("mean log p") != std::string::npos);
    const CsvTable t = readCsv(s.path("s.csv"));
    CHECK(t.header == std::vector<std::string>{"x", "y", "logp", "logp_exact"});
    REQUIRE(t.values.rows() == 12);
    const double tt = 1e-3; // vp-linear: beta from 0.1 to 20 (Ho et al. 2020)
    const double alpha = std::exp(-0.25 * tt * tt * (20 - 0.1) - 0.5 * tt * 0.1);
    const double v = alpha * alpha * 0.49 + (1 - alpha * alpha);
    for (Index i = 0; i < 12; ++i) {
        const double dx = t.values(i, 0) - alpha * 1.0, dy = t.values(i, 1) + alpha * 0.5;
        const double exact = -std::log(2 * std::numbers::pi * v) - 0.5 * (dx * dx + dy * dy) / v;
        CHECK(t.values(i, 2) == Approx(exact).margin(1e-5));
        CHECK(t.values(i, 3) == Approx(exact).margin(1e-10));
    }
    // Refused before sampling where the divergence has no exact form; a bad tolerance.
    checkFailure(runCli({"sample", "--dataset", "gmm8", "--denoiser", "exact", "--class", "0",
                         "--guidance", "2", "--sampler", "ddim", "--steps", "10", "--n", "4",
                         "--log-likelihood", "--out", s.path("g.csv")}),
                 2, {"exact likelihood"});
    CHECK_FALSE(std::filesystem::exists(s.path("g.csv")));
    checkFailure(runCli({"sample", "--dataset", "gmm8", "--denoiser", "exact", "--sampler", "ddim",
                         "--steps", "10", "--n", "4", "--log-likelihood", "--log-likelihood-tol",
                         "0", "--out", s.path("g.csv")}),
                 2, {"--log-likelihood-tol"});
}

TEST_CASE("cli likelihood --probes: images through a U-Net, with a standard error per image",
          "[cli]") {
    Scratch s("cmd_likelihood_images");
    // 64 training images: the ideal denoiser that train compares against stays cheap (ASan).
    REQUIRE(runCli({"train", "--dataset", "shapes", "--resolution", "8", "--data-n", "64",
                    "--architecture", "unet", "--channels", "8", "--steps", "3", "--batch", "4",
                    "--out", s.path("u.dsm")})
                .exitCode == 0);
    REQUIRE(runCli({"data", "--dataset", "shapes", "--resolution", "8", "--n", "3", "--out",
                    s.path("imgs.npy")})
                .exitCode == 0);
    const std::vector<std::string> base = {
        "likelihood", "--dataset",     "shapes",   "--resolution",     "8",
        "--denoiser", s.path("u.dsm"), "--points", s.path("imgs.npy"), "--solver",
        "rk4",        "--steps",       "3",        "--t-min",          "0.05",
        "--out",      s.path("l.csv")};
    // Without probes: refused by name (a U-Net has no exact trace here).
    checkFailure(runCli(base), 2, {"--probes"});
    std::vector<std::string> args = base;
    args.insert(args.end(), {"--probes", "3", "--probe-seed", "7"});
    const CliResult r = runCli(args);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("Hutchinson") != std::string::npos);
    CHECK(r.out.find(" +- ") != std::string::npos);
    CHECK(r.out.find("bits/dim for the 8-bit images") != std::string::npos);
    const CsvTable t = readCsv(s.path("l.csv"));
    REQUIRE(t.values.rows() == 3);
    REQUIRE(t.header.size() == 64 + 3);
    CHECK(t.header[64] == "logp");
    CHECK(t.header[65] == "logp_se");
    CHECK(t.header[66] == "nfe");
    for (Index i = 0; i < 3; ++i) {
        CHECK(std::isfinite(t.values(i, 64)));
        CHECK(t.values(i, 65) > 0);
        CHECK(t.values(i, 66) == 12);
    }
    args.back() = "8"; // another seed: other probes, another estimate
    REQUIRE(runCli(args).exitCode == 0);
    CHECK(readCsv(s.path("l.csv")).values(0, 64) != t.values(0, 64));
    args.insert(args.end(), {"--probes", "-1"});
    checkFailure(runCli(args), 2, {"--probes"});
}
