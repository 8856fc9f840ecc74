// The shape every failing diffuscope-cli run must have: no signal, the expected exit code
// (1 bad data, 2 bad usage), one line on stderr naming each of `named`.
#pragma once

#include "cli_runner.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace dfs::test {

inline void checkFailure(const CliResult& r, int code, const std::vector<std::string>& named) {
    INFO("stderr: " << r.err);
    CHECK_FALSE(r.signalled);
    CHECK(r.exitCode == code);
    CHECK(r.oneLineError());
    for (const auto& n : named) CHECK(r.err.find(n) != std::string::npos);
}

} // namespace dfs::test
