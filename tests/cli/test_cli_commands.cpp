// diffuscope-cli doing its job: list, data, field and sample write what DESIGN.md specifies
// (columns, rows, exit code 0), agree with the core called directly, and are reproducible.
#include "cli_checks.hpp"
#include "cli_runner.hpp"

#include "core/backend/backend.hpp"
#include "core/datasets/dataset_registry.hpp"
#include "core/denoisers/denoiser_factory.hpp"
#include "core/field.hpp"
#include "core/io/csv.hpp"
#include "core/samplers/sampler.hpp"
#include "core/schedules/schedule.hpp"

#include <catch2/catch.hpp>

using namespace dfs;
using namespace dfs::test;

namespace {

void checkOk(const CliResult& r) {
    INFO("stderr: " << r.err);
    REQUIRE_FALSE(r.signalled);
    REQUIRE(r.exitCode == 0);
}

} // namespace

TEST_CASE("cli list names every dataset, schedule, sampler and denoiser", "[cli]") {
    const CliResult r = runCli({"list"});
    checkOk(r);
    for (const auto& d : builtinDatasets()) CHECK(r.out.find(d.name) != std::string::npos);
    for (const auto& s : samplerRegistry()) CHECK(r.out.find(s.name) != std::string::npos);
    for (const char* name : {"vp-linear", "cosine", "ve", "edm", "rf", "exact", "ideal", "cpu"})
        CHECK(r.out.find(name) != std::string::npos);
    // The eight perspectives with their panes, and the built-in scenes with their titles.
    for (const char* line :
         {"autoencoder      Autoencoder:", "expectation      Estimator of expectations:",
          "2-D: not applicable", "images: spectrum, sampling-spectrum, samples, filmstrip",
          "perspective-flow", "moons-ideal"})
        CHECK(r.out.find(line) != std::string::npos);
}

TEST_CASE("cli data writes the dataset with its labels", "[cli]") {
    Scratch s("cmd_data");
    checkOk(runCli(
        {"data", "--dataset", "gmm8", "--n", "300", "--seed", "7", "--out", s.path("g.csv")}));
    const CsvTable t = readCsv(s.path("g.csv"));
    CHECK(t.header == std::vector<std::string>{"x", "y", "label"});
    REQUIRE(t.values.rows() == 300);
    const PointSet direct = makeDataset("gmm8", {300, -1, 7});
    CHECK(t.values.leftCols(2).isApprox(direct.points, 1e-15));
    // The written file reads back as a dataset.
    checkOk(runCli({"data", "--dataset", s.path("g.csv"), "--out", s.path("again.csv")}));
    CHECK(readCsv(s.path("again.csv")).values == t.values);
}

TEST_CASE("cli field matches the core on a grid and on points", "[cli]") {
    Scratch s("cmd_field");
    checkOk(runCli({"field", "--dataset", "gmm8", "--denoiser", "exact", "--schedule", "ve",
                    "--sigma", "0.7", "--quantity", "score", "--grid", "16", "--extent", "2",
                    "--out", s.path("f.csv")}));
    const CsvTable t = readCsv(s.path("f.csv"));
    CHECK(t.header == std::vector<std::string>{"x", "y", "fx", "fy"});
    REQUIRE(t.values.rows() == 256);
    const Matrix grid = gridPoints(16, 2.0);
    CHECK(t.values.leftCols(2) == grid);
    // With ve, --sigma is the schedule's sigma: x = x0 + 0.7 eps.
    const auto schedule = makeSchedule("ve");
    const double tt = schedule->tFromLogSnr(-2 * std::log(0.7));
    REQUIRE(schedule->sigma(tt) == Approx(0.7).epsilon(1e-9));
    const PointSet data = makeDataset("gmm8", {});
    auto backend = makeBackend("cpu", 1);
    const Matrix expected = evaluateField(*backend, *makeDenoiser("exact", data), schedule->at(tt),
                                          Prediction::Score, grid);
    CHECK((t.values.rightCols(2) - expected).cwiseAbs().maxCoeff() < 1e-9);

    writeText(s.path("q.csv"), "x,y\n0,0\n1.5,0\n");
    checkOk(runCli({"field", "--dataset", "gmm8", "--denoiser", "exact", "--t", "0.999",
                    "--quantity", "x0", "--points", s.path("q.csv"), "--out", s.path("p.csv")}));
    const CsvTable p = readCsv(s.path("p.csv"));
    REQUIRE(p.values.rows() == 2);
    // Near t = 1 of vp-linear alpha ~ 0.007, so D is close to the data mean (the origin).
    CHECK(p.values.rightCols(2).cwiseAbs().maxCoeff() < 0.05);
}

TEST_CASE("cli sample writes samples and a consistent trajectory", "[cli]") {
    Scratch s("cmd_sample");
    const std::vector<std::string> args = {
        "sample",  "--dataset", "gmm8", "--denoiser", "exact",  "--sampler", "heun",
        "--steps", "12",        "--n",  "50",         "--seed", "3"};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> a = args;
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    };
    checkOk(runCli(with({"--out", s.path("a.csv"), "--trajectory", s.path("traj.csv")})));
    const CsvTable out = readCsv(s.path("a.csv"));
    CHECK(out.header == std::vector<std::string>{"x", "y"});
    REQUIRE(out.values.rows() == 50);
    const CsvTable traj = readCsv(s.path("traj.csv"));
    CHECK(traj.header == std::vector<std::string>{"step", "t", "particle", "x", "y"});
    REQUIRE(traj.values.rows() == 13 * 50);
    // The Karras grid starts where sigma/alpha = 80 (EDM's sigma_max), t ~ 0.93 on vp-linear.
    const auto vp = makeSchedule("vp-linear");
    CHECK(vp->at(traj.values(0, 1)).sigmaTilde() == Approx(80).epsilon(1e-6));
    CHECK(traj.values(13 * 50 - 1, 1) == 0.0); // ends at t = 0 exactly
    CHECK(traj.values.bottomRows(50).rightCols(2) == out.values);
    for (Index r = 50; r < traj.values.rows(); ++r)
        CHECK(traj.values(r, 1) <= traj.values(r - 50, 1));
    // The samples sit on the ring of radius 1.5 where the modes are.
    for (Index r = 0; r < 50; ++r) CHECK(out.values.row(r).norm() == Approx(1.5).margin(0.5));

    // Same seed, any thread count: the same file.
    checkOk(runCli(with({"--out", s.path("b.csv"), "--threads", "1"})));
    checkOk(runCli(with({"--out", s.path("c.csv"), "--threads", "2"})));
    CHECK(readText(s.path("b.csv")) == readText(s.path("a.csv")));
    CHECK(readText(s.path("c.csv")) == readText(s.path("a.csv")));

    // Starting from given points.
    writeText(s.path("init.csv"), "x,y\n0.5,0.5\n-1,2\n");
    checkOk(runCli({"sample", "--dataset", "gmm8", "--denoiser", "exact", "--sampler", "ddim",
                    "--steps", "20", "--init", s.path("init.csv"), "--out", s.path("i.csv")}));
    CHECK(readCsv(s.path("i.csv")).values.rows() == 2);
}

TEST_CASE("cli demo runs the default scene", "[cli]") {
    const CliResult r = runCli({"demo", "--n", "400", "--steps", "20"});
    checkOk(r);
    CHECK(r.out.find("energy distance") != std::string::npos);
}

TEST_CASE("cli schedule writes the curves and a sampler's grid", "[cli]") {
    Scratch s("schedule");
    checkOk(runCli({"schedule", "--schedule", "vp-linear", "--n", "10", "--out", s.path("s.csv"),
                    "--grid", s.path("g.csv"), "--sampler", "ddim", "--steps", "5"}));
    const CsvTable c = readCsv(s.path("s.csv"));
    CHECK(c.header == std::vector<std::string>{"t", "alpha", "sigma", "logSNR"});
    REQUIRE(c.values.rows() == 10);
    const auto vp = makeSchedule("vp-linear");
    CHECK(c.values(4, 0) == 0.5);
    CHECK(c.values(4, 2) == vp->sigma(0.5));
    CHECK(c.values(4, 3) == vp->logSnr(0.5));
    const CsvTable g = readCsv(s.path("g.csv"));
    REQUIRE(g.values.rows() == 6);
    CHECK(g.values(5, 1) == 0.0);
    checkFailure(runCli({"schedule", "--out", s.path("s.txt")}), 2, {"--out", ".csv"});
    checkFailure(runCli({"schedule", "--schedule", "nope", "--out", s.path("s.csv")}), 2, {"nope"});
}

TEST_CASE("cli field takes each schedule's own sigma_min and sigma_max as --sigma", "[cli]") {
    // Issue 15: ve's sigma(1) computes as 9.999999999999998 and edm's 0.002 is reached only as
    // t -> 0+; both ends must be accepted as typed, and a level beyond them refused by name.
    Scratch s("cmd_field_sigma");
    for (const auto& [schedule, sigma] : std::vector<std::pair<std::string, std::string>>{
             {"ve", "10"}, {"ve", "0.01"}, {"edm", "0.002"}, {"edm", "80"}}) {
        INFO(schedule << " --sigma " << sigma);
        checkOk(runCli({"field", "--dataset", "gmm8", "--denoiser", "exact", "--schedule", schedule,
                        "--sigma", sigma, "--quantity", "x0", "--grid", "4", "--out",
                        s.path("f.csv")}));
    }
    for (const auto& [schedule, sigma] :
         std::vector<std::pair<std::string, std::string>>{{"ve", "10.01"}, {"edm", "0.0019"}}) {
        const CliResult r =
            runCli({"field", "--dataset", "gmm8", "--denoiser", "exact", "--schedule", schedule,
                    "--sigma", sigma, "--quantity", "x0", "--grid", "4", "--out", s.path("g.csv")});
        CHECK(r.exitCode == 2);
        CHECK(r.err.find("--sigma") != std::string::npos);
        CHECK(r.err.find("reached 0") == std::string::npos);
    }
}

TEST_CASE("cli takes a Gaussian mixture of the user's own as gmm:FILE.json", "[cli]") {
    Scratch s("cmd_gmm_file");
    writeText(s.path("one.json"), R"({"means": [[0.5, -1]], "stds": [0.3]})");
    const std::string dataset = "gmm:" + s.path("one.json");
    checkOk(runCli({"data", "--dataset", dataset, "--n", "500", "--out", s.path("d.csv")}));
    CHECK(readCsv(s.path("d.csv")).values.rows() == 500);
    // The exact denoiser is available and is the closed form of a single Gaussian (math ref.
    // 4.3): D(x) = mu + alpha c^2 / (alpha^2 c^2 + sigma^2) (x - alpha mu).
    checkOk(runCli({"field", "--dataset", dataset, "--denoiser", "exact", "--t", "0.5",
                    "--quantity", "x0", "--grid", "3", "--out", s.path("f.csv")}));
    const CsvTable f = readCsv(s.path("f.csv"));
    REQUIRE(f.values.rows() == 9);
    const NoiseLevel l = makeSchedule("vp-linear")->at(0.5);
    const double gain = l.alpha * 0.09 / (l.alpha * l.alpha * 0.09 + l.sigma * l.sigma);
    for (Index r = 0; r < 9; ++r) {
        CHECK(f.values(r, 2) ==
              Approx(0.5 + gain * (f.values(r, 0) - l.alpha * 0.5)).epsilon(1e-9));
        CHECK(f.values(r, 3) == Approx(-1 + gain * (f.values(r, 1) + l.alpha)).epsilon(1e-9));
    }
    writeText(s.path("bad.json"), R"({"means": [[0, 0]], "covariances": [[[1, 2], [2, 1]]]})");
    checkFailure(
        runCli({"data", "--dataset", "gmm:" + s.path("bad.json"), "--out", s.path("x.csv")}), 1,
        {"bad.json", "covariances[0] is not positive semi-definite"});
}
