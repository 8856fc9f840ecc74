// AtomicFile: temporary file beside the target, rename on commit, removal on failure.
#include "core/io/atomic_file.hpp"

#include "core/errors.hpp"
#include "core/rng/philox.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <functional>
#include <system_error>
#include <thread>

namespace dfs {

namespace fs = std::filesystem;

namespace {

std::string systemReason(int err) {
    return std::error_code(err, std::system_category()).message();
}

[[noreturn]] void writeFailed(const std::string& path, const std::string& reason) {
    throw DataError(fmt::format("cannot write {}: {}", path, reason));
}

/// A temporary name next to `path`, unique per process, thread and call.
std::string temporaryName(const std::string& path) {
    static std::atomic<std::uint32_t> counter{0};
    const auto now = std::uint64_t(std::chrono::steady_clock::now().time_since_epoch().count());
    const auto thread = std::uint64_t(std::hash<std::thread::id>{}(std::this_thread::get_id()));
    const PhiloxCounter r = philox4x32_10(
        {counter.fetch_add(1), std::uint32_t(thread), std::uint32_t(now), std::uint32_t(now >> 32)},
        {std::uint32_t(thread >> 32), 0x64667331u});
    return fmt::format("{}.tmp-{:08x}", path, r[0]);
}

} // namespace

AtomicFile::AtomicFile(std::string path) : m_path(std::move(path)) {
    if (m_path.empty()) writeFailed(m_path, "empty file name");
    const fs::path parent = fs::path(m_path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !fs::is_directory(parent, ec))
        writeFailed(m_path, fmt::format("folder '{}' does not exist", parent.string()));
    if (fs::is_directory(m_path, ec)) writeFailed(m_path, "it is a folder");
    for (int attempt = 0; attempt < 16 && !m_file; ++attempt) {
        m_tmp = temporaryName(m_path);
        m_file = std::fopen(m_tmp.c_str(), "wbx"); // 'x': fail rather than reuse a file
        if (!m_file && errno != EEXIST) break;
    }
    if (!m_file) writeFailed(m_path, systemReason(errno));
    // A replaced file keeps its permissions.
    struct stat old {};
    if (::stat(m_path.c_str(), &old) == 0) ::fchmod(::fileno(m_file), old.st_mode & 07777);
}

AtomicFile::~AtomicFile() {
    if (m_file) std::fclose(m_file);
    if (!m_committed) {
        std::error_code ignored;
        fs::remove(m_tmp, ignored);
    }
}

void AtomicFile::fail(int err) {
    if (m_file) std::fclose(m_file);
    m_file = nullptr;
    std::error_code ignored;
    fs::remove(m_tmp, ignored);
    writeFailed(m_path, systemReason(err != 0 ? err : EIO));
}

void AtomicFile::write(std::string_view bytes) {
    if (!m_file) writeFailed(m_path, "the file is already closed");
    if (std::fwrite(bytes.data(), 1, bytes.size(), m_file) != bytes.size()) fail(errno);
}

void AtomicFile::commit() {
    if (!m_file) writeFailed(m_path, "the file is already closed");
    if (std::fflush(m_file) != 0) fail(errno);
    // On disk before the rename, so a crash leaves the old file or the whole new one.
    if (::fsync(::fileno(m_file)) != 0) fail(errno);
    std::FILE* f = m_file;
    m_file = nullptr;
    if (std::fclose(f) != 0) fail(errno);
    std::error_code ec;
    fs::rename(m_tmp, m_path, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(m_tmp, ignored);
        writeFailed(m_path, ec.message());
    }
    m_committed = true;
    // Make the rename itself durable (best effort: some file systems refuse fsync on folders).
    const fs::path parent = fs::path(m_path).parent_path();
    const int dir = ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

void writeFileAtomic(const std::string& path, std::string_view contents) {
    AtomicFile file(path);
    file.write(contents);
    file.commit();
}

} // namespace dfs
