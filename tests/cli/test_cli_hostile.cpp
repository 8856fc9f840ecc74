// Issue 20's findings through the command line: interrupted writes leave nothing behind, stale
// temporaries are swept, one file given as two outputs is refused, overflowing values in a CSV
// are refused at load, and work beyond the memory budget is refused before it starts.
#include "cli_checks.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

using namespace dfs::test;
namespace fs = std::filesystem;

namespace {

bool hasTemporary(const std::string& dir) {
    for (const std::string& name : listFolder(dir))
        if (name.find(".tmp-") != std::string::npos) return true;
    return false;
}

/// Starts `data` writing a large CSV, sends `sig` once its temporary file exists, and returns the
/// wait status (or -1 if the temporary never appeared).
int interruptDataWrite(const Scratch& s, int sig) {
    const std::string out = s.path("big.csv");
    const pid_t pid = ::fork();
    if (pid == 0) {
        std::freopen("/dev/null", "w", stdout);
        std::freopen("/dev/null", "w", stderr);
        ::execl(DIFFUSCOPE_CLI, DIFFUSCOPE_CLI, "data", "--dataset", "moons", "--n", "10000000",
                "--out", out.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    bool seen = false;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!seen && std::chrono::steady_clock::now() < until) {
        seen = hasTemporary(s.dir);
        if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ::kill(pid, seen ? sig : SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return seen ? status : -1;
}

} // namespace

TEST_CASE("cli: SIGINT and SIGTERM during a write remove its temporary file", "[cli][hostile]") {
    for (const int sig : {SIGTERM, SIGINT}) {
        Scratch s(sig == SIGTERM ? "hostile_sigterm" : "hostile_sigint");
        const int status = interruptDataWrite(s, sig);
        REQUIRE(status != -1);
        CHECK(WIFSIGNALED(status));
        CHECK(WTERMSIG(status) == sig);
        CHECK_FALSE(hasTemporary(s.dir));
        CHECK_FALSE(fs::exists(s.path("big.csv")));
    }
}

TEST_CASE("cli: stale temporaries of killed runs are removed by the next write", "[cli][hostile]") {
    Scratch s("hostile_stale");
    const std::string dead = s.path("o.csv.tmp-999999999-0badf00d");  // above any pid_max
    const std::string alive = s.path("o.csv.tmp-1-0badf00d");         // init's: still running
    const std::string other = s.path("p.csv.tmp-999999999-0badf00d"); // another target's
    for (const auto& p : {dead, alive, other}) writeText(p, "half a file");
    const CliResult r =
        runCli({"data", "--dataset", "moons", "--n", "10", "--out", s.path("o.csv")});
    CHECK(r.exitCode == 0);
    CHECK_FALSE(fs::exists(dead));
    CHECK(fs::exists(alive));
    CHECK(fs::exists(other));
}

TEST_CASE("cli: the same file given as two outputs is refused", "[cli][hostile]") {
    Scratch s("hostile_same");
    const std::string x = s.path("x.csv");
    checkFailure(runCli({"sample", "--dataset", "gmm8", "--denoiser", "exact", "--sampler", "euler",
                         "--steps", "4", "--n", "10", "--out", x, "--trajectory", x}),
                 2, {"--out", "--trajectory", "same file"});
    checkFailure(
        runCli({"sample", "--dataset", "gmm8", "--denoiser", "exact", "--sampler", "euler",
                "--steps", "4", "--n", "10", "--out", x, "--trajectory", s.dir + "/./x.csv"}),
        2, {"same file"});
    checkFailure(
        runCli({"schedule", "--out", x, "--grid", x, "--sampler", "euler", "--steps", "4"}), 2,
        {"--grid", "same file"});
    CHECK(listFolder(s.dir).empty());
}

TEST_CASE("cli: values beyond what the maths holds are refused at load", "[cli][hostile]") {
    Scratch s("hostile_magnitude");
    writeText(s.path("huge.csv"), "x,y\n1e160,2\n3,4\n");
    checkFailure(
        runCli({"sample", "--dataset", "moons", "--denoiser", "ideal", "--sampler", "euler",
                "--steps", "4", "--init", s.path("huge.csv"), "--out", s.path("out.csv")}),
        1, {"huge.csv:2:", "too large"});
    checkFailure(runCli({"train", "--dataset", s.path("huge.csv"), "--steps", "2", "--out",
                         s.path("m.dsm")}),
                 1, {"huge.csv:2:", "too large"});
}

TEST_CASE("cli: training beyond the memory budget is refused before it starts", "[cli][hostile]") {
    Scratch s("hostile_budget");
    const std::string out = s.path("m.dsm");
    checkFailure(runCli({"train", "--dataset", "moons", "--width", "4096", "--depth", "15",
                         "--steps", "2", "--out", out}),
                 2, {"mlp 4096 wide x 15 deep", "needs about", "budget", "--width"});
    checkFailure(runCli({"train", "--dataset", "shapes", "--resolution", "8", "--architecture",
                         "unet", "--channels", "1024", "--steps", "2", "--out", out}),
                 2, {"unet with 1024 channels", "budget", "--channels"});
    // The budget is the environment's when set: a small one refuses a small model.
    ::setenv("DIFFUSCOPE_MEMORY_BUDGET", "1M", 1);
    checkFailure(runCli({"train", "--dataset", "moons", "--steps", "2", "--out", out}), 2,
                 {"budget of 1 MiB (DIFFUSCOPE_MEMORY_BUDGET)"});
    ::setenv("DIFFUSCOPE_MEMORY_BUDGET", "lots", 1);
    checkFailure(runCli({"train", "--dataset", "moons", "--steps", "2", "--out", out}), 2,
                 {"DIFFUSCOPE_MEMORY_BUDGET must be a size"});
    ::unsetenv("DIFFUSCOPE_MEMORY_BUDGET");
    CHECK(listFolder(s.dir).empty());
}
