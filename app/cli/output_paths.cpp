// Distinct output paths, compared after resolving links and "..", without throwing overloads.
#include "app/cli/output_paths.hpp"

#include "core/errors.hpp"

#include <filesystem>
#include <fmt/format.h>

namespace dfs::cli {

namespace {

/// The path with links, "." and ".." resolved as far as it exists; the absolute text otherwise.
std::filesystem::path resolved(const std::string& path) {
    std::error_code ec;
    std::filesystem::path p = std::filesystem::weakly_canonical(path, ec);
    if (ec) p = std::filesystem::absolute(path, ec).lexically_normal();
    return ec ? std::filesystem::path(path) : p;
}

} // namespace

void requireDistinctOutputs(const std::vector<std::pair<std::string, std::string>>& outputs) {
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        if (outputs[i].second.empty()) continue;
        for (std::size_t j = i + 1; j < outputs.size(); ++j) {
            if (outputs[j].second.empty()) continue;
            if (outputs[i].second == outputs[j].second ||
                resolved(outputs[i].second) == resolved(outputs[j].second))
                throw UsageError(fmt::format("{} and {} name the same file ({}); the second "
                                             "would overwrite the first: give two different files",
                                             outputs[i].first, outputs[j].first,
                                             outputs[j].second));
        }
    }
}

} // namespace dfs::cli
