// Small helpers on file names shared by the writers and readers.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>

namespace dfs {

/// The extension of a path, with its dot, in lower case: "a/B.PNG" -> ".png"; "" for none.
inline std::string lowercaseExtension(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return ext;
}

} // namespace dfs
