// AtomicFile: temporary file beside the target, rename on commit, removal on failure.
#include "core/io/atomic_file.hpp"

#include "core/errors.hpp"
#include "core/io/temp_file_registry.hpp"
#include "core/rng/philox.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string_view>
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
    return fmt::format("{}.tmp-{}-{:08x}", path, ::getpid(), r[0]);
}

bool isHex(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

/// Whether a temporary file of ours named `<target>.tmp-<rest>` is stale: its process (the
/// <pid> of "<pid>-<hex>") no longer runs; a name without a pid (an earlier version's
/// "<hex>") once it is an hour old.
bool isStale(std::string_view rest, const fs::path& file) {
    const std::size_t dash = rest.find('-');
    if (dash == std::string_view::npos) {
        if (rest.size() != 8 || !isHex(rest)) return false;
        std::error_code ec;
        const auto when = fs::last_write_time(file, ec);
        return !ec && fs::file_time_type::clock::now() - when > std::chrono::hours(1);
    }
    const std::string_view pidText = rest.substr(0, dash), hex = rest.substr(dash + 1);
    if (pidText.empty() || pidText.size() > 9 || hex.size() != 8 || !isHex(hex) ||
        pidText.find_first_not_of("0123456789") != std::string_view::npos)
        return false;
    const pid_t pid = pid_t(std::stol(std::string(pidText)));
    return pid != ::getpid() && ::kill(pid, 0) != 0 && errno == ESRCH;
}

} // namespace

AtomicFile::AtomicFile(std::string path) : m_path(std::move(path)) {
    if (m_path.empty()) writeFailed(m_path, "empty file name");
    const fs::path parent = fs::path(m_path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !fs::is_directory(parent, ec))
        writeFailed(m_path, fmt::format("folder '{}' does not exist", parent.string()));
    if (fs::is_directory(m_path, ec)) writeFailed(m_path, "it is a folder");
    removeStaleTemporaries(m_path);
    // SIGINT, SIGTERM and SIGHUP wait while the temporary is created and registered: one that
    // came in between would otherwise end the process before its handler knew the file.
    sigset_t interrupts, before;
    sigemptyset(&interrupts);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&interrupts, sig);
    ::pthread_sigmask(SIG_BLOCK, &interrupts, &before);
    int err = 0;
    for (int attempt = 0; attempt < 16 && !m_file; ++attempt) {
        m_tmp = temporaryName(m_path);
        m_file = std::fopen(m_tmp.c_str(), "wbx"); // 'x': fail rather than reuse a file
        err = errno;
        if (!m_file && err != EEXIST) break;
    }
    if (m_file) {
        const fs::path absolute = fs::absolute(m_tmp, ec);
        m_slot = registerTempFile(ec ? m_tmp : absolute.string());
    }
    ::pthread_sigmask(SIG_SETMASK, &before, nullptr); // a pending signal is handled here
    if (!m_file) writeFailed(m_path, systemReason(err));
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
    unregisterTempFile(m_slot);
}

void AtomicFile::fail(int err) {
    if (m_file) std::fclose(m_file);
    m_file = nullptr;
    std::error_code ignored;
    fs::remove(m_tmp, ignored);
    unregisterTempFile(m_slot);
    m_slot = -1;
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
    unregisterTempFile(m_slot);
    m_slot = -1;
    // Make the rename itself durable (best effort: some file systems refuse fsync on folders).
    const fs::path parent = fs::path(m_path).parent_path();
    const int dir = ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

void removeStaleTemporaries(const std::string& path) {
    const fs::path target(path);
    const fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    const std::string prefix = target.filename().string() + ".tmp-";
    std::error_code ec;
    fs::directory_iterator it(folder, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
        std::error_code ignored;
        if (it->is_regular_file(ignored) &&
            isStale(std::string_view(name).substr(prefix.size()), it->path()))
            fs::remove(it->path(), ignored);
    }
}

void writeFileAtomic(const std::string& path, std::string_view contents) {
    AtomicFile file(path);
    file.write(contents);
    file.commit();
}

} // namespace dfs
