// Process runner and scratch folders for the CLI tests.
#include "cli_runner.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace dfs::test {

namespace fs = std::filesystem;

namespace {

std::string shellQuote(const std::string& s) {
    std::string q = "'";
    for (char c : s) {
        if (c == '\'')
            q.append("'\\''");
        else
            q.push_back(c);
    }
    q.push_back('\'');
    return q;
}

} // namespace

bool CliResult::oneLineError() const {
    return !err.empty() && err.back() == '\n' && err.find('\n') == err.size() - 1;
}

CliResult runCli(const std::vector<std::string>& args, long maxFileBlocks) {
    static int counter = 0;
    const fs::path base = fs::path(DIFFUSCOPE_TEST_TMP) / "_runs";
    fs::create_directories(base);
    // Unique per process too: ctest runs the CLI test cases in parallel processes.
    const std::string tag = std::to_string(::getpid()) + "_" + std::to_string(counter++);
    const std::string outFile = (base / ("out" + tag)).string();
    const std::string errFile = (base / ("err" + tag)).string();
    std::string cmd;
    if (maxFileBlocks > 0) cmd = "trap '' XFSZ; ulimit -f " + std::to_string(maxFileBlocks) + "; ";
    cmd.append(shellQuote(DIFFUSCOPE_CLI));
    for (const auto& a : args) cmd.append(" ").append(shellQuote(a));
    cmd.append(" >").append(shellQuote(outFile)).append(" 2>").append(shellQuote(errFile));
    cmd.append(" </dev/null");
    const int status = std::system(cmd.c_str());
    CliResult r;
    if (status == -1) throw std::runtime_error("cannot start a shell");
    if (WIFEXITED(status)) r.exitCode = WEXITSTATUS(status);
    r.signalled = WIFSIGNALED(status);
    r.out = readText(outFile);
    r.err = readText(errFile);
    return r;
}

Scratch::Scratch(const std::string& name) : dir((fs::path(DIFFUSCOPE_TEST_TMP) / name).string()) {
    fs::remove_all(dir);
    fs::create_directories(dir);
}

std::string Scratch::path(const std::string& file) const {
    return (fs::path(dir) / file).string();
}

void writeText(const std::string& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary);
    f << text;
    if (!f) throw std::runtime_error("cannot write " + path);
}

std::string readText(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

std::vector<std::string> listFolder(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    return names;
}

} // namespace dfs::test
