// IDX reading through zlib's gz* functions, which read plain and gzip files alike.
#include "core/datasets/idx_file.hpp"

#include "core/errors.hpp"
#include "core/io/input_file.hpp"
#include "core/memory_budget.hpp"

#include <fmt/format.h>
#include <memory>
#include <zlib.h>

namespace dfs {

namespace {

struct GzClose {
    void operator()(gzFile_s* f) const { gzclose(f); }
};

/// Reads exactly n bytes; false at a clean end of file before any byte.
void readExactly(gzFile f, void* out, std::size_t n, const std::string& path, const char* what) {
    auto* p = static_cast<unsigned char*>(out);
    while (n > 0) {
        const unsigned chunk = unsigned(std::min<std::size_t>(n, 1u << 30));
        const int got = gzread(f, p, chunk);
        if (got < 0) {
            int err = 0;
            const char* msg = gzerror(f, &err);
            throw DataError(
                fmt::format("{}: cannot read the {} ({})", path, what, msg ? msg : "?"));
        }
        if (got == 0)
            throw DataError(fmt::format("{}: truncated (ends inside the {})", path, what));
        p += got;
        n -= std::size_t(got);
    }
}

std::uint32_t bigEndian(const unsigned char b[4]) {
    return std::uint32_t(b[0]) << 24 | std::uint32_t(b[1]) << 16 | std::uint32_t(b[2]) << 8 | b[3];
}

} // namespace

std::size_t IdxArray::count() const {
    std::size_t n = dims.empty() ? 0 : 1;
    for (std::uint32_t d : dims) n *= d;
    return n;
}

IdxArray readIdx(const std::string& path, std::size_t maxItems) {
    const std::uintmax_t fileBytes = regularFileSize(path, "IDX file"); // FIFOs, devices: refused
    std::unique_ptr<gzFile_s, GzClose> f(gzopen(path.c_str(), "rb"));
    if (!f) throw DataError(fmt::format("{}: cannot open the IDX file", path));
    unsigned char magic[4];
    readExactly(f.get(), magic, 4, path, "header");
    if (magic[0] != 0 || magic[1] != 0)
        throw DataError(
            fmt::format("{}: not an IDX file (the first two bytes must be zero)", path));
    if (magic[2] != 0x08)
        throw DataError(fmt::format("{}: IDX value type 0x{:02x}; only unsigned bytes (0x08) are "
                                    "supported",
                                    path, magic[2]));
    const int rank = magic[3];
    if (rank < 1 || rank > 4)
        throw DataError(fmt::format("{}: IDX with {} dimensions (expected 1 to 4)", path, rank));
    IdxArray a;
    std::size_t total = 1;
    for (int i = 0; i < rank; ++i) {
        unsigned char b[4];
        readExactly(f.get(), b, 4, path, "header");
        const std::uint32_t d = bigEndian(b);
        if (d == 0) throw DataError(fmt::format("{}: dimension {} is zero", path, i));
        if (i > 0 && d > kMaxIdxSide)
            throw DataError(fmt::format("{}: dimension {} is {}; an image side is at most {}", path,
                                        i, d, kMaxIdxSide));
        total *= d;
        if (total > kMaxIdxBytes)
            throw DataError(fmt::format("{}: more than {} values; not a dataset this program reads",
                                        path, kMaxIdxBytes));
        a.dims.push_back(d);
    }
    // The declared size against what the file can hold, before anything is allocated.
    const std::uintmax_t headerBytes = 4 + 4 * std::uintmax_t(rank);
    if (gzdirect(f.get())) {
        if (fileBytes - std::min(fileBytes, headerBytes) < total)
            throw DataError(fmt::format("{}: truncated (the header declares {} values, the file "
                                        "holds {})",
                                        path, total, fileBytes - std::min(fileBytes, headerBytes)));
    } else if (double(total) > double(fileBytes) * kMaxDeflateRatio + 65536.0) {
        throw DataError(fmt::format("{}: the header declares {} values, more than {} of gzip data "
                                    "can hold (deflate expands at most {}:1)",
                                    path, total, formatBytes(fileBytes), kMaxDeflateRatio));
    }
    // Only the first `maxItems` entries along the first dimension are kept.
    const std::size_t perItem = total / a.dims[0];
    const std::size_t wanted = std::min<std::size_t>(a.dims[0], maxItems) * perItem;
    requireDataWithinMemoryBudget(double(wanted), fmt::format("{}: {} values", path, wanted),
                                  "use a smaller IDX file or load fewer items");
    // Decompressed in bounded chunks: memory grows with the data that is really there.
    constexpr std::size_t kChunk = std::size_t(16) << 20;
    for (std::size_t got = 0; got < wanted;) {
        const std::size_t n = std::min(kChunk, wanted - got);
        a.values.resize(got + n);
        readExactly(f.get(), a.values.data() + got, n, path, "values");
        got += n;
    }
    if (wanted < total) return a; // the rest is not read (a plain file's length was checked)
    unsigned char extra;
    if (gzread(f.get(), &extra, 1) > 0)
        throw DataError(
            fmt::format("{}: trailing bytes after the {} values the header declares", path, total));
    return a;
}

} // namespace dfs
