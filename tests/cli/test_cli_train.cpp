// diffuscope-cli train: writes a model the other commands can use, and refuses bad settings,
// bad data and damaged model files with the usual exit codes and one-line messages.
#include "cli_checks.hpp"

#include "core/io/csv.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace dfs;
using namespace dfs::test;

namespace {

CliResult train(const Scratch& s, std::vector<std::string> extra) {
    std::vector<std::string> args = {"train", "--dataset", "gmm8",         "--data-n",
                                     "500",   "--steps",   "100",          "--width",
                                     "16",    "--out",     s.path("m.dsm")};
    args.insert(args.end(), extra.begin(), extra.end());
    return runCli(args);
}

void checkFails(const CliResult& r, int code, const std::string& named) {
    checkFailure(r, code, {named});
}

} // namespace

TEST_CASE("cli train writes a model that sample and field can use", "[cli]") {
    Scratch s("train_ok");
    const CliResult r = train(s, {"--log", s.path("log.csv"), "--conditional"});
    INFO("stderr: " << r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("mean squared error of D against the exact denoiser") != std::string::npos);
    const CsvTable log = readCsv(s.path("log.csv"));
    CHECK(log.header == std::vector<std::string>{"step", "loss", "lr", "grad_norm"});
    CHECK(log.values.rows() == 100);

    const CliResult smp = runCli({"sample", "--dataset", "gmm8", "--denoiser", s.path("m.dsm"),
                                  "--sampler", "dpmpp-2m", "--steps", "10", "--n", "50", "--class",
                                  "1", "--guidance", "2", "--out", s.path("x.csv")});
    INFO("stderr: " << smp.err);
    CHECK(smp.exitCode == 0);
    CHECK(readCsv(s.path("x.csv")).values.rows() == 50);
    const CliResult fld =
        runCli({"field", "--dataset", "gmm8", "--denoiser", s.path("m.dsm"), "--schedule", "ve",
                "--sigma", "0.5", "--quantity", "score", "--grid", "8", "--out", s.path("f.csv")});
    CHECK(fld.exitCode == 0);
}

TEST_CASE("cli train refuses bad settings and data", "[cli]") {
    Scratch s("train_bad");
    checkFails(train(s, {"--lr", "0"}), 2, "--lr");
    checkFails(train(s, {"--lr", "-0.1"}), 2, "--lr");
    checkFails(train(s, {"--batch", "0"}), 2, "--batch");
    checkFails(train(s, {"--target", "noise"}), 2, "noise");
    checkFails(train(s, {"--weighting", "loud"}), 2, "loud");
    checkFails(train(s, {"--time-sampling", "often"}), 2, "often");
    checkFails(train(s, {"--activation", "tanh"}), 2, "tanh");
    writeText(s.path("plain.csv"), "x,y\n0,0\n1,1\n2,0\n");
    checkFails(runCli({"train", "--dataset", s.path("plain.csv"), "--conditional", "--out",
                       s.path("m.dsm")}),
               2, "labelled");
    checkFails(runCli({"train", "--dataset", "moons", "--out", s.path("m.txt")}), 2, ".dsm");
    writeText(s.path("nan.csv"), "x,y\n0,0\n1,1\nnan,2\n");
    checkFails(runCli({"train", "--dataset", s.path("nan.csv"), "--out", s.path("m.dsm")}), 1,
               "nan.csv:4:");
    checkFails(train(s, {"--lr", "1000", "--clip", "0", "--warmup", "0", "--target", "score"}), 1,
               "diverged");
    CHECK_FALSE(std::filesystem::exists(s.path("m.txt")));
}

TEST_CASE("cli refuses a damaged model file", "[cli]") {
    Scratch s("train_damaged");
    REQUIRE(train(s, {}).exitCode == 0);
    std::string bytes = readText(s.path("m.dsm"));
    writeText(s.path("cut.dsm"), bytes.substr(0, bytes.size() / 2));
    bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 1);
    writeText(s.path("flip.dsm"), bytes);
    writeText(s.path("text.dsm"), "hello\n");
    for (const char* name : {"cut.dsm", "flip.dsm", "text.dsm", "absent.dsm"}) {
        const CliResult r =
            runCli({"sample", "--dataset", "gmm8", "--denoiser", s.path(name), "--sampler", "heun",
                    "--steps", "5", "--n", "5", "--out", s.path("x.csv")});
        checkFails(r, 1, name);
    }
    CHECK_FALSE(std::filesystem::exists(s.path("x.csv")));
}
