// .npz reading and writing: the zip container of PKWARE's APPNOTE.TXT around .npy members.
#include "core/io/npz.hpp"

#include "core/errors.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/input_file.hpp"
#include "core/io/npy.hpp"
#include "core/memory_budget.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <set>
#include <zlib.h>

namespace dfs {

namespace {

// Signatures (APPNOTE.TXT 4.3.7, 4.3.12, 4.3.16).
constexpr std::uint32_t kLocalSig = 0x04034b50, kCentralSig = 0x02014b50, kEndSig = 0x06054b50;
constexpr std::size_t kLocalSize = 30, kCentralSize = 46, kEndSize = 22;
constexpr std::uintmax_t kMaxArchive = std::uintmax_t(2) << 30;
constexpr std::size_t kMaxMembers = 4096;

std::uint32_t u32(const std::string& b, std::size_t at) {
    const auto* p = reinterpret_cast<const unsigned char*>(b.data() + at);
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 |
           std::uint32_t(p[3]) << 24;
}
std::uint16_t u16(const std::string& b, std::size_t at) {
    const auto* p = reinterpret_cast<const unsigned char*>(b.data() + at);
    return std::uint16_t(p[0] | p[1] << 8);
}
std::uint64_t u64(const std::string& b, std::size_t at) {
    return std::uint64_t(u32(b, at)) | std::uint64_t(u32(b, at + 4)) << 32;
}
void put16(std::string& s, std::uint32_t v) {
    s += char(v & 0xff);
    s += char((v >> 8) & 0xff);
}
void put32(std::string& s, std::uint32_t v) {
    put16(s, v & 0xffff);
    put16(s, v >> 16);
}

std::uint32_t crc(const std::string& s) {
    return std::uint32_t(
        crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(s.data()), uInt(s.size())));
}

/// Raw DEFLATE (RFC 1951) of exactly `size` bytes, as zip method 8 stores it.
std::string inflateMember(const std::string& in, std::uint64_t size, const std::string& name) {
    std::string out(std::size_t(size), '\0');
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
        throw DataError(fmt::format("{}: cannot start decompression", name));
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = uInt(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    const int rc = inflate(&z, Z_FINISH);
    const auto produced = z.total_out;
    inflateEnd(&z);
    if (rc != Z_STREAM_END || produced != size)
        throw DataError(fmt::format("{}: corrupt compressed data (does not inflate to the {} "
                                    "bytes the directory says)",
                                    name, size));
    return out;
}

} // namespace

std::vector<NpyArray> readNpz(const std::string& path) {
    const std::string b = readRegularFile(path, kMaxArchive, ".npz file");
    const auto bad = [&](const std::string& what) {
        return DataError(fmt::format("{}: not a valid .npz archive ({})", path, what));
    };
    // The end of central directory record: the last signature within the final 64 KiB + 22.
    if (b.size() < kEndSize) throw bad("too short for a zip file");
    std::size_t end = std::string::npos;
    const std::size_t lowest = b.size() > kEndSize + 0xffff ? b.size() - kEndSize - 0xffff : 0;
    for (std::size_t at = b.size() - kEndSize + 1; at-- > lowest;)
        if (u32(b, at) == kEndSig) {
            end = at;
            break;
        }
    if (end == std::string::npos) throw bad("no end of central directory record");
    if (u16(b, end + 4) != 0 || u16(b, end + 6) != 0) throw bad("spanned archives are not read");
    const std::size_t members = u16(b, end + 10);
    const std::uint64_t dirSize = u32(b, end + 12), dirAt = u32(b, end + 16);
    if (members == 0xffff || dirAt == 0xffffffff) throw bad("zip64 archives are not read");
    if (members > kMaxMembers)
        throw bad(fmt::format("{} members, at most {}", members, kMaxMembers));
    if (dirAt > end || dirSize > end - dirAt)
        throw bad("the central directory lies outside the file");

    std::vector<NpyArray> arrays;
    std::set<std::string> seen;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> spans; // [begin, end) of each member
    std::size_t at = std::size_t(dirAt);
    for (std::size_t i = 0; i < members; ++i) {
        if (at + kCentralSize > end || u32(b, at) != kCentralSig)
            throw bad(fmt::format("central directory entry {} is missing or damaged", i + 1));
        const std::uint16_t flags = u16(b, at + 8), method = u16(b, at + 10);
        const std::uint32_t crcStored = u32(b, at + 16);
        std::uint64_t packed = u32(b, at + 20), size = u32(b, at + 24);
        const std::size_t nameLen = u16(b, at + 28), extraLen = u16(b, at + 30),
                          commentLen = u16(b, at + 32);
        std::uint64_t local = u32(b, at + 42);
        if (at + kCentralSize + nameLen + extraLen + commentLen > end)
            throw bad(fmt::format("central directory entry {} runs past the directory", i + 1));
        const std::string member = b.substr(at + kCentralSize, nameLen);
        const std::string where = fmt::format("{}:{}", path, printableToken(member));
        // Zip64 extended information (APPNOTE 4.5.3): the 64-bit values of the fields that are
        // 0xffffffff, in the order size, packed size, local header offset.
        for (std::size_t e = at + kCentralSize + nameLen, eEnd = e + extraLen; e + 4 <= eEnd;) {
            const std::uint16_t id = u16(b, e), len = u16(b, e + 2);
            if (e + 4 + len > eEnd) throw bad(fmt::format("{}: damaged extra field", member));
            if (id == 0x0001) {
                std::size_t f = e + 4;
                for (std::uint64_t* field : {&size, &packed, &local})
                    if (*field == 0xffffffff) {
                        if (f + 8 > e + 4 + len) throw bad("damaged zip64 field");
                        *field = u64(b, f);
                        f += 8;
                    }
            }
            e += 4 + len;
        }
        at += kCentralSize + nameLen + extraLen + commentLen;

        if (flags & 0x0001)
            throw DataError(fmt::format("{}: encrypted members are not read", where));
        if (method != 0 && method != 8)
            throw DataError(fmt::format("{}: compression method {} is not read (stored or "
                                        "deflate only)",
                                        where, method));
        if (member.size() < 5 || member.compare(member.size() - 4, 4, ".npy") != 0)
            throw DataError(fmt::format("{}: a member that is not an .npy array", where));
        if (size > kMaxNpyBytes || packed > b.size())
            throw DataError(fmt::format("{}: member of {} bytes beyond the limits", where, size));
        // The local header (4.3.7): its own name and extra lengths give the data's start.
        if (local + kLocalSize > dirAt || u32(b, std::size_t(local)) != kLocalSig)
            throw DataError(fmt::format("{}: local header missing or outside the file", where));
        const std::uint64_t dataAt =
            local + kLocalSize + u16(b, std::size_t(local) + 26) + u16(b, std::size_t(local) + 28);
        if (dataAt > dirAt || packed > dirAt - dataAt)
            throw DataError(fmt::format("{}: member data runs past the archive", where));
        for (const auto& [s, e] : spans)
            if (local < e && s < dataAt + packed)
                throw DataError(fmt::format("{}: member overlaps another member", where));
        spans.emplace_back(local, dataAt + packed);
        std::string raw = b.substr(std::size_t(dataAt), std::size_t(packed));
        if (method == 8) {
            // The directory's size is checked before the buffer of that size is allocated.
            if (double(size) > double(packed) * kMaxDeflateRatio + 64.0)
                throw DataError(fmt::format("{}: the directory says {} inflates to {}, more "
                                            "than deflate can produce (at most {}:1)",
                                            where, formatBytes(packed), formatBytes(size),
                                            kMaxDeflateRatio));
            requireDataWithinMemoryBudget(double(size), fmt::format("{}: its inflated data", where),
                                          "use a smaller archive");
            raw = inflateMember(raw, size, where);
        } else if (packed != size)
            throw DataError(fmt::format("{}: stored member with different sizes", where));
        if (crc(raw) != crcStored)
            throw DataError(fmt::format("{}: CRC-32 mismatch (the archive is corrupted)", where));
        NpyArray a;
        a.name = member.substr(0, member.size() - 4);
        if (!seen.insert(a.name).second)
            throw DataError(fmt::format("{}: the member appears twice", where));
        int dims = 0;
        a.values = parseNpy(raw, where, &dims);
        a.oneDimensional = dims == 1;
        arrays.push_back(std::move(a));
    }
    if (arrays.empty()) throw bad("no arrays in it");
    return arrays;
}

void writeNpz(const std::string& path, const std::vector<NpyArray>& arrays) {
    std::string out, dir;
    std::set<std::string> names;
    for (const NpyArray& a : arrays) {
        if (a.name.empty() || !names.insert(a.name).second)
            throw UsageError(fmt::format("{}: empty or repeated array name '{}'", path, a.name));
        for (Index r = 0; r < a.values.rows(); ++r)
            for (Index c = 0; c < a.values.cols(); ++c)
                if (!std::isfinite(a.values(r, c)))
                    throw DataError(fmt::format("{}: array {} row {} is not a finite number", path,
                                                a.name, r + 1));
        const std::string data = npyBytes(a.values, a.oneDimensional);
        const std::string name = a.name + ".npy";
        if (out.size() + data.size() + name.size() + kLocalSize > 0xfffffff0u)
            throw DataError(fmt::format("{}: over 4 GiB (zip64 is not written)", path));
        const std::uint32_t offset = std::uint32_t(out.size()), sum = crc(data);
        // Local file header (APPNOTE 4.3.7): version 2.0, no flags, stored, DOS time 1980-01-01.
        const auto common = [&](std::string& s) {
            put16(s, 20);
            put16(s, 0);
            put16(s, 0);
            put16(s, 0);
            put16(s, 0x21);
            put32(s, sum);
            put32(s, std::uint32_t(data.size()));
            put32(s, std::uint32_t(data.size()));
            put16(s, std::uint32_t(name.size()));
            put16(s, 0);
        };
        put32(out, kLocalSig);
        common(out);
        out += name;
        out += data;
        // Central directory header (4.3.12): made by 2.0, then the same fields, then comment
        // length, disk 0, internal and external attributes, the local header's offset.
        put32(dir, kCentralSig);
        put16(dir, 20);
        common(dir);
        put16(dir, 0);
        put16(dir, 0);
        put16(dir, 0);
        put32(dir, 0);
        put32(dir, offset);
        dir += name;
    }
    const std::uint32_t dirAt = std::uint32_t(out.size());
    out += dir;
    put32(out, kEndSig); // End of central directory record (4.3.16).
    put16(out, 0);
    put16(out, 0);
    put16(out, std::uint32_t(arrays.size()));
    put16(out, std::uint32_t(arrays.size()));
    put32(out, std::uint32_t(dir.size()));
    put32(out, dirAt);
    put16(out, 0);
    writeFileAtomic(path, out);
}

} // namespace dfs
