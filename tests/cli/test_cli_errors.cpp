// Bad input to diffuscope-cli: every case must end with exit 1 (data) or 2 (usage), one line on
// stderr naming the file and line or the flag, no signal, and nothing the user had lost.
#include "cli_checks.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>

using namespace dfs::test;

namespace {

/// Runs a sample with the given init file; checks the failure and that no output appeared.
CliResult sampleFrom(const Scratch& s, const std::string& init) {
    return runCli({"sample", "--dataset", "gmm8", "--denoiser", "exact", "--sampler", "euler",
                   "--steps", "4", "--init", init, "--out", s.path("out.csv")});
}

void checkDataError(const CliResult& r, const std::vector<std::string>& parts) {
    checkFailure(r, 1, parts);
}

void checkUsageError(const std::vector<std::string>& args, const std::string& part) {
    checkFailure(runCli(args), 2, {part});
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

namespace {

/// A valid command line for `command` with flags changed: a value replaces the default, an
/// empty value removes the flag, a new flag is appended.
std::vector<std::string>
commandWith(const std::string& command,
            const std::vector<std::pair<std::string, std::string>>& changes) {
    static const std::map<std::string, std::vector<std::pair<std::string, std::string>>> valid = {
        {"sample",
         {{"--dataset", "gmm8"},
          {"--denoiser", "exact"},
          {"--sampler", "heun"},
          {"--steps", "5"},
          {"--n", "5"},
          {"--out", "/tmp/diffuscope-never.csv"}}},
        {"field",
         {{"--dataset", "gmm8"},
          {"--denoiser", "exact"},
          {"--t", "0.5"},
          {"--quantity", "score"},
          {"--grid", "4"},
          {"--out", "/tmp/diffuscope-never.csv"}}},
        {"data", {{"--dataset", "moons"}, {"--out", "/tmp/diffuscope-never.csv"}}},
    };
    auto flags = valid.at(command);
    for (const auto& [flag, value] : changes) {
        auto it =
            std::find_if(flags.begin(), flags.end(), [&](auto& f) { return f.first == flag; });
        if (it == flags.end())
            flags.emplace_back(flag, value);
        else if (value.empty())
            flags.erase(it);
        else
            it->second = value;
    }
    std::vector<std::string> args = {command};
    for (const auto& [flag, value] : flags) {
        args.push_back(flag);
        args.push_back(value);
    }
    return args;
}

} // namespace

TEST_CASE("cli: unknown names and bad settings are usage errors", "[cli]") {
    struct Case {
        std::string command;
        std::vector<std::pair<std::string, std::string>> changes;
        std::string named; ///< what the message must name
    };
    const std::vector<Case> cases = {
        {"sample", {{"--dataset", "nosuch"}}, "nosuch"},
        {"sample", {{"--sampler", "nosuch"}}, "unknown sampler 'nosuch'"},
        {"sample", {{"--schedule", "nosuch"}}, "unknown schedule 'nosuch'"},
        {"sample", {{"--denoiser", "nosuch"}}, "nosuch"},
        {"sample", {{"--steps", "0"}}, "--steps"},
        {"sample", {{"--steps", "-3"}}, "--steps"},
        {"sample", {{"--steps", "many"}}, "--steps"},
        {"sample", {{"--dataset", "moons"}}, "exact"},
        {"sample", {{"--sampler", "ddim"}, {"--eta", "nan"}}, "--eta"},
        {"sample", {{"--n", "0"}}, "--n"},
        {"sample", {{"--n", ""}}, "--n"},
        {"sample", {{"--threads", "-2"}}, "--threads"},
        {"data", {{"--n", "-1"}}, "--n"},
        {"data", {{"--noise", "-5"}}, "--noise"},
        {"data", {{"--seed", "-1"}}, "--seed"},
        {"field", {{"--sigma", "1"}}, "--sigma"},
        {"field", {{"--t", ""}}, "--t"},
        {"field", {{"--t", ""}, {"--schedule", "ve"}, {"--sigma", "50"}}, "--sigma"},
        {"field", {{"--t", "1.5"}}, "--t"},
        {"field", {{"--quantity", "curl"}}, "curl"},
        {"field", {{"--backend", "metal"}}, "metal"},
        {"field", {{"--grid", "1"}}, "--grid"},
    };
    for (const Case& c : cases) checkUsageError(commandWith(c.command, c.changes), c.named);
    checkUsageError({"frobnicate"}, "frobnicate");
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

TEST_CASE("cli: JSON that does not parse is named by file, line and column, in plain words",
          "[cli]") {
    // Before: "s.json: not valid JSON (byte 13: [json.exception.parse_error.101] parse error at
    // line 2, ...)": the library's exception text in the message.
    Scratch s("errors_json");
#ifdef DIFFUSCOPE_TEST_HAS_RENDER // `render` needs the Qt layer (the sanitizer build has none)
    writeText(s.path("broken.json"), "{\"format\":\n  \"diffuscope-scene\",,\n}");
    const CliResult scene = runCli({"render", "--scene", s.path("broken.json"), "--view", "chain",
                                    "--out", s.path("out.png")});
    checkDataError(scene, {"broken.json", "not valid JSON (line 2, column 22: unexpected ','"});
    CHECK(scene.err.find("json.exception") == std::string::npos);
    CHECK_FALSE(std::filesystem::exists(s.path("out.png")));
#endif
    writeText(s.path("mixture.json"), "{\"means\": [[0, 0]");
    const CliResult gmm = runCli({"data", "--dataset", "gmm:" + s.path("mixture.json"), "--n", "10",
                                  "--out", s.path("out.csv")});
    checkDataError(gmm, {"mixture.json", "not valid JSON (line 1, column 18: the text ends early"});
    CHECK(gmm.err.find("json.exception") == std::string::npos);
}
