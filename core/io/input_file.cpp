// Safe opening of input files: status without exceptions, bounded chunked reads.
#include "core/io/input_file.hpp"

#include "core/errors.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <system_error>

namespace dfs {

namespace fs = std::filesystem;

std::string formatBytes(std::uintmax_t bytes) {
    static constexpr const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    if (bytes < 1024) return fmt::format("{} bytes", bytes);
    double v = double(bytes);
    int u = 0;
    while (v >= 1024.0 && u < 4) {
        v /= 1024.0;
        ++u;
    }
    if (v == std::floor(v)) return fmt::format("{:.0f} {}", v, units[u]);
    return fmt::format("{:.1f} {}", v, units[u]);
}

std::string printableToken(const std::string& s, std::size_t maxLen) {
    std::string out;
    for (std::size_t i = 0; i < s.size() && i < maxLen; ++i)
        out += (static_cast<unsigned char>(s[i]) < 0x20) ? '?' : s[i];
    if (s.size() > maxLen) out += "...";
    return out;
}

std::uintmax_t regularFileSize(const std::string& path, const char* what) {
    if (path.empty()) throw DataError(fmt::format("no {} named (empty path)", what));
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
        const std::string reason = ec ? ec.message() : "no such file";
        throw DataError(fmt::format("{}: cannot open the {} ({})", path, what, reason));
    }
    const char* kind = nullptr;
    switch (st.type()) {
    case fs::file_type::regular:
        break;
    case fs::file_type::directory:
        kind = "a folder";
        break;
    case fs::file_type::fifo:
        kind = "a named pipe (FIFO)";
        break;
    case fs::file_type::character:
    case fs::file_type::block:
        kind = "a device";
        break;
    case fs::file_type::socket:
        kind = "a socket";
        break;
    default:
        kind = "something else";
        break;
    }
    if (kind)
        throw DataError(
            fmt::format("{}: cannot open the {} (it is {}, not a regular file)", path, what, kind));
    const std::uintmax_t size = fs::file_size(path, ec);
    if (ec) throw DataError(fmt::format("{}: cannot open the {} ({})", path, what, ec.message()));
    return size;
}

std::string readRegularFile(const std::string& path, std::uintmax_t maxBytes, const char* what) {
    const std::uintmax_t size = regularFileSize(path, what);
    const auto tooLarge = [&](std::uintmax_t have) {
        return DataError(fmt::format("{}: file is {}, larger than the {} limit for a {}", path,
                                     formatBytes(have), formatBytes(maxBytes), what));
    };
    if (size > maxBytes) throw tooLarge(size);
    struct Close {
        void operator()(std::FILE* f) const { std::fclose(f); }
    };
    std::unique_ptr<std::FILE, Close> f(std::fopen(path.c_str(), "rb"));
    if (!f)
        throw DataError(fmt::format("{}: cannot open the {} ({})", path, what,
                                    std::error_code(errno, std::system_category()).message()));
    std::string text;
    text.reserve(std::size_t(size));
    char buf[1 << 16];
    for (;;) {
        const std::size_t got = std::fread(buf, 1, sizeof buf, f.get());
        if (got == 0) break;
        if (text.size() + got > maxBytes) throw tooLarge(text.size() + got);
        text.append(buf, got);
    }
    if (std::ferror(f.get())) throw DataError(fmt::format("{}: cannot read the {}", path, what));
    return text;
}

} // namespace dfs
