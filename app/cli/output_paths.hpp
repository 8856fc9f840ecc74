// Checks on a command's output paths: two outputs of one command must be different files (the
// second write would replace the first and lose it).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace dfs::cli {

/// Throws UsageError (exit 2) naming both flags when two of the given (flag, path) outputs are
/// the same file: the same text, or the same file through another spelling or a link. Empty
/// paths (an output not asked for) are skipped. Never throws filesystem errors.
void requireDistinctOutputs(const std::vector<std::pair<std::string, std::string>>& outputs);

} // namespace dfs::cli
