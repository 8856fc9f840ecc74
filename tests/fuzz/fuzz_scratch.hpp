// Scratch files for loaders that take a path: one folder per process (in /dev/shm when it can
// be written, else $TMPDIR or /tmp), removed when the process ends normally.
#pragma once

#include <string>
#include <string_view>

namespace dfs::fuzz {

/// The process's scratch folder (created on first use).
const std::string& scratchDir();

/// Writes `bytes` to scratchDir()/name, replacing any earlier content; returns the path.
std::string writeScratch(const std::string& name, std::string_view bytes);

} // namespace dfs::fuzz
