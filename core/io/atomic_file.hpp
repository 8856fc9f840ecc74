// Crash-safe file writing: content goes to a temporary file in the target's folder, is synced
// to disk, and is renamed over the target only when complete, so a failed, interrupted or
// crashed write never leaves a half-written file and never damages the file that was there
// before (which also keeps its permissions).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace dfs {

class AtomicFile {
public:
    /// Opens a new temporary file beside `path`. Throws DataError naming `path` if the folder
    /// does not exist or the file cannot be created.
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
    bool m_committed = false;
};

/// Writes text to a file atomically. Throws DataError on failure.
void writeFileAtomic(const std::string& path, std::string_view contents);

} // namespace dfs
