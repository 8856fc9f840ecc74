// Runs diffuscope-cli as a user would, capturing exit status, stdout and stderr, for the CLI
// tests. A command killed by a signal is reported as such, so a crash can never pass as an error.
#pragma once

#include <string>
#include <vector>

namespace dfs::test {

struct CliResult {
    int exitCode = -1; ///< the exit status, or -1 if the process did not exit normally
    bool signalled = false;
    std::string out, err;
    /// stderr without its trailing newline, and whether it is a single line.
    bool oneLineError() const;
};

/// Runs the CLI with the arguments (each passed as one shell word) in the test's scratch folder.
/// With `maxFileBlocks` > 0 no file it writes may grow past that many 512-byte blocks (POSIX
/// `ulimit -f`, SIGXFSZ ignored so a write fails with EFBIG): a full disk, as the CLI sees it.
CliResult runCli(const std::vector<std::string>& args, long maxFileBlocks = 0);

/// A fresh scratch folder for one test case, emptied on construction.
struct Scratch {
    explicit Scratch(const std::string& name);
    std::string path(const std::string& file) const;
    std::string dir;
};

void writeText(const std::string& path, const std::string& text);
std::string readText(const std::string& path);
/// Names of the files in a folder (to check that a failure left no temporary files behind).
std::vector<std::string> listFolder(const std::string& dir);

} // namespace dfs::test
