// The temporary files being written right now (AtomicFile's), so that SIGINT, SIGTERM or SIGHUP
// removes them before the process ends: an interrupted write leaves nothing behind. The handler
// is async-signal-safe (a fixed table of paths, unlink, then the signal's default action).
#pragma once

#include <string>

namespace dfs {

/// Records `path` as in flight and, on first use, installs the handler for SIGINT, SIGTERM and
/// SIGHUP where the program has not set its own. Returns a slot for unregisterTempFile, or -1
/// if the table is full or the path too long (the file is then only removed by the
/// AtomicFile's destructor or by the next write's stale-file sweep).
int registerTempFile(const std::string& path);

/// Forgets a slot from registerTempFile (after the file was renamed or removed); -1 is ignored.
void unregisterTempFile(int slot);

} // namespace dfs
