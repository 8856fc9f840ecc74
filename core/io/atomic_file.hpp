// Crash-safe file writing: content goes to a temporary file in the target's folder, is synced
// to disk, and is renamed over the target only when complete, so a failed, interrupted or
// crashed write never leaves a half-written file and never damages the file that was there
// before (which also keeps its permissions). The temporary file is named
// `<target>.tmp-<pid>-<8 hex digits>`: SIGINT, SIGTERM and SIGHUP remove it (temp_file_registry),
// and one left by a killed process (SIGKILL, a crash, power loss) is removed by the next write to
// the same target once that process is gone.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace dfs {

class AtomicFile {
public:
    /// Removes stale temporary files of `path` left by processes that no longer run, then opens a
    /// new temporary file beside `path`. Throws DataError naming `path` if the folder does not
    /// exist or the file cannot be created.
    explicit AtomicFile(std::string path);
    /// Removes the temporary file unless commit() succeeded.
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    /// Appends bytes. Throws DataError on a write error (disk full, ...).
    void write(std::string_view bytes);
    /// Flushes, closes and renames over the target. Throws DataError on failure.
    void commit();
    const std::string& path() const { return m_path; }

private:
    [[noreturn]] void fail(int err);
    std::string m_path, m_tmp;
    std::FILE* m_file = nullptr;
    int m_slot = -1; ///< in the temp-file registry
    bool m_committed = false;
};

/// Removes the temporary files `<path>.tmp-<pid>-<hex>` beside `path` whose process no longer
/// runs (and pid-less `<path>.tmp-<hex>` ones an hour old). Best effort; never throws. Writers
/// with their own temporary files (the MP4 writer) call it too.
void removeStaleTemporaries(const std::string& path);

/// Writes text to a file atomically. Throws DataError on failure.
void writeFileAtomic(const std::string& path, std::string_view contents);

} // namespace dfs
