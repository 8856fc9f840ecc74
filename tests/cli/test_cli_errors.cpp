// Bad input to diffuscope-cli: every case must end with exit 1 (data) or 2 (usage), one line on
// stderr naming the file and line or the flag, no signal, and nothing the user had lost.
#include "cli_runner.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace dfs::test;

namespace {

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

/// Runs a sample with the given init file; checks the failure and that no output appeared.
CliResult sampleFrom(const Scratch& s, const std::string& init) {
    return runCli({"sample", "--dataset", "gmm8", "--denoiser", "exact", "--sampler", "euler",
                   "--steps", "4", "--init", init, "--out", s.path("out.csv")});
}

void checkDataError(const CliResult& r, const std::vector<std::string>& parts) {
    INFO("stderr: " << r.err);
    CHECK_FALSE(r.signalled);
    CHECK(r.exitCode == 1);
    CHECK(r.oneLineError());
    for (const auto& p : parts) CHECK(contains(r.err, p));
}

void checkUsageError(const std::vector<std::string>& args, const std::string& part) {
    const CliResult r = runCli(args);
    INFO("stderr: " << r.err);
    CHECK_FALSE(r.signalled);
    CHECK(r.exitCode == 2);
    CHECK(r.oneLineError());
    CHECK(contains(r.err, part));
}

} // namespace

TEST_CASE("cli: malformed CSV files are refused with file and line", "[cli]") {
    Scratch s("errors_csv");
    const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
        {"empty.csv", "", "empty"},
        {"header_only.csv", "x,y\n", "no data rows"},
        {"ragged.csv", "x,y\n1,2\n3\n", ":3:"},
        {"text.csv", "x,y\n1,2\n3,abc\n", ":3:"},
        {"nan.csv", "x,y\n1,2\nnan,1\n", ":3:"},
        {"inf.csv", "x,y\n1,2\n4,inf\n5,6\n", ":3:"},
        {"huge_number.csv", "x,y\n1e999,2\n", ":2:"},
        {"columns.csv", "a,b\n1,2\n", "x,y"},
    };
    for (const auto& [name, text, where] : cases) {
        SECTION(name) {
            writeText(s.path(name), text);
            checkDataError(sampleFrom(s, s.path(name)), {name, where});
            CHECK_FALSE(std::filesystem::exists(s.path("out.csv")));
        }
    }
    SECTION("missing file") {
        checkDataError(sampleFrom(s, s.path("nowhere.csv")), {"nowhere.csv"});
    }
}

TEST_CASE("cli: an enormous CSV is refused by size", "[cli]") {
    Scratch s("errors_big");
    writeText(s.path("big.csv"), "x,y\n");
    std::filesystem::resize_file(s.path("big.csv"), std::uintmax_t(3) << 30); // sparse
    checkDataError(sampleFrom(s, s.path("big.csv")), {"big.csv", "limit"});
    const CliResult asData =
        runCli({"data", "--dataset", s.path("big.csv"), "--out", s.path("o.csv")});
    checkDataError(asData, {"big.csv", "limit"});
}

TEST_CASE("cli: a malformed training set is refused", "[cli]") {
    Scratch s("errors_train");
    writeText(s.path("train.csv"), "x,y\n0,0\n1,zz\n");
    const CliResult r =
        runCli({"field", "--dataset", s.path("train.csv"), "--denoiser", "ideal", "--t", "0.5",
                "--quantity", "score", "--grid", "8", "--out", s.path("f.csv")});
    checkDataError(r, {"train.csv", ":3:"});
}

TEST_CASE("cli: unknown names and bad settings are usage errors", "[cli]") {
    const auto sample = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = {"sample"};
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    };
    checkUsageError(sample({"--dataset", "nosuch", "--denoiser", "ideal", "--sampler", "heun",
                            "--steps", "5", "--n", "5", "--out", "/tmp/diffuscope-never.csv"}),
                    "nosuch");
    checkUsageError(sample({"--dataset", "gmm8", "--denoiser", "exact", "--sampler", "nosuch",
                            "--steps", "5", "--n", "5", "--out", "/tmp/diffuscope-never.csv"}),
                    "unknown sampler 'nosuch'");
    checkUsageError(
        sample({"--dataset", "gmm8", "--denoiser", "exact", "--schedule", "nosuch", "--sampler",
                "heun", "--steps", "5", "--n", "5", "--out", "/tmp/diffuscope-never.csv"}),
        "unknown schedule 'nosuch'");
    checkUsageError(sample({"--dataset", "gmm8", "--denoiser", "nosuch", "--sampler", "heun",
                            "--steps", "5", "--n", "5", "--out", "/tmp/diffuscope-never.csv"}),
                    "nosuch");
    checkUsageError(sample({"--dataset", "gmm8", "--denoiser", "exact", "--sampler", "heun",
                            "--steps", "0", "--n", "5", "--out", "/tmp/diffuscope-never.csv"}),
                    "--steps");
    checkUsageError(sample({"--dataset", "gmm8", "--denoiser", "exact", "--sampler", "heun",
                            "--steps", "-3", "--n", "5", "--out", "/tmp/diffuscope-never.csv"}),
                    "--steps");
    checkUsageError(sample({"--dataset", "gmm8", "--denoiser", "exact", "--sampler", "heun",
                            "--steps", "many", "--n", "5", "--out", "/tmp/diffuscope-never.csv"}),
                    "--steps");
    checkUsageError(sample({"--dataset", "moons", "--denoiser", "exact", "--sampler", "heun",
                            "--steps", "5", "--n", "5", "--out", "/tmp/diffuscope-never.csv"}),
                    "exact");
    checkUsageError(
        sample({"--dataset", "gmm8", "--denoiser", "exact", "--sampler", "ddim", "--eta", "nan",
                "--steps", "5", "--n", "5", "--out", "/tmp/diffuscope-never.csv"}),
        "--eta");
    checkUsageError(sample({"--dataset", "gmm8", "--denoiser", "exact", "--sampler", "heun",
                            "--steps", "5", "--n", "0", "--out", "/tmp/diffuscope-never.csv"}),
                    "--n");
    checkUsageError(sample({"--dataset", "gmm8", "--denoiser", "exact", "--sampler", "heun",
                            "--steps", "5", "--out", "/tmp/diffuscope-never.csv"}),
                    "--n");
    checkUsageError(
        {"data", "--dataset", "moons", "--n", "-1", "--out", "/tmp/diffuscope-never.csv"}, "--n");
    checkUsageError({"frobnicate"}, "frobnicate");
    checkUsageError(
        {"data", "--dataset", "moons", "--noise", "-5", "--out", "/tmp/diffuscope-never.csv"},
        "--noise");
    checkUsageError(
        {"data", "--dataset", "moons", "--seed", "-1", "--out", "/tmp/diffuscope-never.csv"},
        "--seed");
    checkUsageError({"field", "--dataset", "gmm8", "--denoiser", "exact", "--t", "0.5", "--sigma",
                     "1", "--quantity", "score", "--grid", "4", "--out",
                     "/tmp/diffuscope-never.csv"},
                    "--sigma");
    checkUsageError({"field", "--dataset", "gmm8", "--denoiser", "exact", "--quantity", "score",
                     "--grid", "4", "--out", "/tmp/diffuscope-never.csv"},
                    "--t");
    checkUsageError({"field", "--dataset", "gmm8", "--denoiser", "exact", "--schedule", "ve",
                     "--sigma", "50", "--quantity", "score", "--grid", "4", "--out",
                     "/tmp/diffuscope-never.csv"},
                    "--sigma");
    checkUsageError({"field", "--dataset", "gmm8", "--denoiser", "exact", "--t", "1.5",
                     "--quantity", "score", "--grid", "4", "--out", "/tmp/diffuscope-never.csv"},
                    "--t");
    checkUsageError({"field", "--dataset", "gmm8", "--denoiser", "exact", "--t", "0.5",
                     "--quantity", "curl", "--grid", "4", "--out", "/tmp/diffuscope-never.csv"},
                    "curl");
    checkUsageError({"field", "--dataset", "gmm8", "--denoiser", "exact", "--t", "0.5",
                     "--quantity", "score", "--grid", "4", "--backend", "vulkan", "--out",
                     "/tmp/diffuscope-never.csv"},
                    "vulkan");
    CHECK_FALSE(std::filesystem::exists("/tmp/diffuscope-never.csv"));
}

TEST_CASE("cli: a failed write keeps the existing file and leaves no temporaries", "[cli]") {
    Scratch s("errors_keep");
    writeText(s.path("out.csv"), "precious\n");
    writeText(s.path("bad.csv"), "x,y\n1,2\n3,nan\n");
    checkDataError(sampleFrom(s, s.path("bad.csv")), {"bad.csv"});
    CHECK(readText(s.path("out.csv")) == "precious\n");
    CHECK(listFolder(s.dir).size() == 2);

    const CliResult r = runCli({"data", "--dataset", "moons", "--out", s.path("no/such/dir.csv")});
    checkDataError(r, {"no/such"});
    CHECK(listFolder(s.dir).size() == 2);
}
