// .npy reading and writing (NumPy format.rst, "Format Version 1.0" .. "3.0").
#include "core/io/npy.hpp"

#include "core/errors.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/csv.hpp"
#include "core/io/input_file.hpp"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <vector>

namespace dfs {

namespace {

constexpr char kMagic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};
/// format.rst: "the total of len(magic string) + 2 + len(length) + HEADER_LEN be evenly
/// divisible by 64 for alignment purposes" (16 before NumPy 1.14; both are accepted).
constexpr std::size_t kAlign = 64;
constexpr std::size_t kMaxHeader = 1u << 16; ///< NumPy's own limit for reading is 10,000 bytes
constexpr Index kMaxDims = 3;

/// The header dict: format.rst says it is "an ASCII string which contains a Python literal
/// expression of a dictionary" with exactly the keys 'descr', 'fortran_order' and 'shape'.
/// This reads the subset NumPy writes: string values, True/False and tuples of integers.
class HeaderParser {
public:
    HeaderParser(const std::string& text, const std::string& name) : m_s(text), m_name(name) {}

    std::string descr;
    bool fortran = false;
    std::vector<std::uint64_t> shape;

    void parse() {
        bool haveDescr = false, haveOrder = false, haveShape = false;
        expect('{');
        while (!peek('}')) {
            const std::string key = string();
            expect(':');
            if (key == "descr") {
                if (peek('[')) fail("a structured dtype (a list of fields) is not supported");
                descr = string();
                haveDescr = true;
            } else if (key == "fortran_order") {
                fortran = boolean();
                haveOrder = true;
            } else if (key == "shape") {
                shape = tuple();
                haveShape = true;
            } else {
                fail(fmt::format("unknown header key '{}'", printableToken(key)));
            }
            if (!peek('}')) expect(',');
        }
        expect('}');
        skipSpace();
        if (m_pos != m_s.size()) fail("text after the header dictionary");
        if (!haveDescr || !haveOrder || !haveShape)
            fail("the header lacks 'descr', 'fortran_order' or 'shape'");
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw DataError(fmt::format("{}: not a valid .npy header ({})", m_name, what));
    }
    void skipSpace() {
        while (m_pos < m_s.size() && (m_s[m_pos] == ' ' || m_s[m_pos] == '\n')) ++m_pos;
    }
    bool peek(char c) {
        skipSpace();
        return m_pos < m_s.size() && m_s[m_pos] == c;
    }
    void expect(char c) {
        if (!peek(c)) fail(fmt::format("expected '{}' at byte {}", c, m_pos));
        ++m_pos;
    }
    std::string string() {
        skipSpace();
        if (m_pos >= m_s.size() || (m_s[m_pos] != '\'' && m_s[m_pos] != '"'))
            fail(fmt::format("expected a quoted string at byte {}", m_pos));
        const char q = m_s[m_pos++];
        const std::size_t end = m_s.find(q, m_pos);
        if (end == std::string::npos) fail("unterminated string");
        std::string out = m_s.substr(m_pos, end - m_pos);
        m_pos = end + 1;
        return out;
    }
    bool boolean() {
        skipSpace();
        for (const auto& [word, value] : {std::pair{"True", true}, std::pair{"False", false}})
            if (m_s.compare(m_pos, std::strlen(word), word) == 0) {
                m_pos += std::strlen(word);
                return value;
            }
        fail("'fortran_order' is not True or False");
    }
    std::vector<std::uint64_t> tuple() {
        expect('(');
        std::vector<std::uint64_t> dims;
        while (!peek(')')) {
            skipSpace();
            std::uint64_t v = 0;
            std::size_t digits = 0;
            while (m_pos < m_s.size() && std::isdigit(static_cast<unsigned char>(m_s[m_pos]))) {
                if (++digits > 15) fail("a dimension is too large");
                v = v * 10 + std::uint64_t(m_s[m_pos++] - '0');
            }
            if (digits == 0) fail("'shape' is not a tuple of whole numbers");
            dims.push_back(v);
            if (!peek(')')) expect(',');
        }
        expect(')');
        return dims;
    }

    const std::string& m_s;
    const std::string& m_name;
    std::size_t m_pos = 0;
};

/// A little-endian unsigned integer of `bytes` bytes at `at`.
std::uint64_t loadUint(const std::string& b, std::size_t at, int bytes) {
    std::uint64_t v = 0;
    for (int k = bytes - 1; k >= 0; --k)
        v = v << 8 | static_cast<unsigned char>(b[at + std::size_t(k)]);
    return v;
}

/// Element i of the data as a double, for dtype f<size> in the given byte order.
double element(const char* data, std::size_t i, int size, bool bigEndian) {
    unsigned char b[8];
    std::memcpy(b, data + i * std::size_t(size), std::size_t(size));
    if (bigEndian != (std::endian::native == std::endian::big))
        for (int k = 0; k < size / 2; ++k) std::swap(b[k], b[size - 1 - k]);
    if (size == 4) {
        float f;
        std::memcpy(&f, b, 4);
        return f;
    }
    double d;
    std::memcpy(&d, b, 8);
    return d;
}

} // namespace

Matrix parseNpy(const std::string& bytes, const std::string& name, int* dims) {
    if (bytes.size() < 10 || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0)
        throw DataError(fmt::format("{}: not a .npy file (no \\x93NUMPY magic string)", name));
    const int major = static_cast<unsigned char>(bytes[6]);
    const int minor = static_cast<unsigned char>(bytes[7]);
    if (major < 1 || major > 3 || minor != 0)
        throw DataError(fmt::format("{}: .npy format version {}.{} (this build reads 1.0, 2.0 "
                                    "and 3.0)",
                                    name, major, minor));
    const std::size_t lenBytes = major == 1 ? 2 : 4;
    if (bytes.size() < 8 + lenBytes)
        throw DataError(fmt::format("{}: truncated (ends inside the header length)", name));
    const std::uint64_t headerLen = loadUint(bytes, 8, int(lenBytes));
    if (headerLen > kMaxHeader)
        throw DataError(fmt::format("{}: header length {} is beyond the {} bytes allowed", name,
                                    headerLen, kMaxHeader));
    const std::size_t dataAt = 8 + lenBytes + std::size_t(headerLen);
    if (bytes.size() < dataAt)
        throw DataError(fmt::format("{}: truncated (the header says {} bytes, the file ends "
                                    "first)",
                                    name, headerLen));
    const std::string header = bytes.substr(8 + lenBytes, std::size_t(headerLen));
    for (char c : header)
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n')
            throw DataError(fmt::format("{}: not a valid .npy header (control character)", name));
    if (header.empty() || header.back() != '\n')
        throw DataError(
            fmt::format("{}: not a valid .npy header (it must end with a newline)", name));
    if (dataAt % 16 != 0)
        throw DataError(fmt::format("{}: not a valid .npy header (data starts at byte {}, not a "
                                    "multiple of 16 or 64)",
                                    name, dataAt));
    HeaderParser h(header, name);
    h.parse();

    // dtype: format.rst stores numpy.dtype.descr, e.g. '<f8'; '<' little, '>' big endian.
    const std::string& d = h.descr;
    if (d.size() != 3 || (d[0] != '<' && d[0] != '>') || d[1] != 'f' ||
        (d[2] != '4' && d[2] != '8'))
        throw DataError(fmt::format("{}: dtype '{}' is not supported (float32 or float64 only: "
                                    "'<f4', '>f4', '<f8', '>f8')",
                                    name, printableToken(d)));
    const int size = d[2] - '0';
    const bool big = d[0] == '>';

    if (h.shape.empty() || Index(h.shape.size()) > kMaxDims)
        throw DataError(fmt::format("{}: {} dimensions (1, 2 or 3 are read: (N,), (N, D) or "
                                    "(N, H, W))",
                                    name, h.shape.size()));
    std::uint64_t count = 1;
    for (std::uint64_t n : h.shape) {
        if (n != 0 && count > kMaxNpyBytes / n)
            throw DataError(fmt::format("{}: shape too large", name));
        count *= n;
    }
    const std::uint64_t rows = h.shape[0];
    const std::uint64_t cols = rows == 0 ? 0 : count / rows;
    if (h.shape.size() >= 2 && h.shape.back() == 0)
        throw DataError(fmt::format("{}: arrays with no columns are not read", name));
    if (Index(cols) > 4096 * 4096 || rows > 20'000'000)
        throw DataError(fmt::format("{}: shape beyond the limits (20,000,000 rows)", name));
    const std::uint64_t dataBytes = count * std::uint64_t(size);
    if (bytes.size() - dataAt < dataBytes)
        throw DataError(fmt::format("{}: truncated (the shape needs {} bytes of data, {} are "
                                    "there)",
                                    name, dataBytes, bytes.size() - dataAt));
    if (bytes.size() - dataAt > dataBytes)
        throw DataError(fmt::format("{}: {} unexpected bytes after the data the shape describes",
                                    name, bytes.size() - dataAt - dataBytes));

    if (dims) *dims = int(h.shape.size());
    Matrix m(Index(rows), Index(h.shape.size() == 1 ? 1 : cols));
    const char* data = bytes.data() + dataAt;
    const Index R = m.rows(), C = m.cols();
    for (Index r = 0; r < R; ++r)
        for (Index c = 0; c < C; ++c) {
            // C order: element (r, c) of the (R, C) view is at r C + c. Fortran order stores
            // the first index fastest: (r, i, j) of (N, H, W) is at r + N (i + H j), and the
            // flattened column c = i W + j (C order within an image).
            std::size_t at = std::size_t(r * C + c);
            if (h.fortran) {
                if (h.shape.size() == 3) {
                    const Index H = Index(h.shape[1]), W = Index(h.shape[2]);
                    at = std::size_t(r + R * ((c / W) + H * (c % W)));
                } else {
                    at = std::size_t(r + R * c);
                }
            }
            const double v = element(data, at, size, big);
            if (!std::isfinite(v))
                throw DataError(
                    fmt::format("{}: element {} (row {}) is NaN or infinite", name, at, r));
            if (std::abs(v) > kMaxDataMagnitude)
                throw DataError(fmt::format("{}: element {} (row {}) is beyond +-{:g}", name, at, r,
                                            kMaxDataMagnitude));
            m(r, c) = v;
        }
    return m;
}

Matrix readNpy(const std::string& path) {
    return parseNpy(readRegularFile(path, kMaxNpyBytes, ".npy file"), path);
}

std::string npyBytes(const Matrix& values, bool oneDimensional) {
    const std::string shape = oneDimensional
                                  ? fmt::format("({},)", values.rows())
                                  : fmt::format("({}, {})", values.rows(), values.cols());
    std::string header =
        fmt::format("{{'descr': '<f8', 'fortran_order': False, 'shape': {}, }}", shape);
    // Pad with spaces so magic (6) + version (2) + length (2) + header is a multiple of 64,
    // the header ending in '\n' (format.rst, Format Version 1.0).
    const std::size_t total = 10 + header.size() + 1;
    header.append((kAlign - total % kAlign) % kAlign, ' ');
    header += '\n';
    std::string out(kMagic, sizeof(kMagic));
    out += '\x01';
    out += '\x00';
    const auto len = std::uint16_t(header.size());
    out += char(len & 0xff);
    out += char(len >> 8);
    out += header;
    out.reserve(out.size() + std::size_t(values.size()) * 8);
    for (Index r = 0; r < values.rows(); ++r)
        for (Index c = 0; c < values.cols(); ++c) {
            double v = values(r, c);
            unsigned char b[8];
            std::memcpy(b, &v, 8);
            if constexpr (std::endian::native == std::endian::big) std::reverse(b, b + 8);
            out.append(reinterpret_cast<const char*>(b), 8);
        }
    return out;
}

void writeNpy(const std::string& path, const Matrix& values) {
    for (Index r = 0; r < values.rows(); ++r)
        for (Index c = 0; c < values.cols(); ++c)
            if (!std::isfinite(values(r, c)))
                throw DataError(
                    fmt::format("{}: row {} column {} is not a finite number", path, r + 1, c + 1));
    writeFileAtomic(path, npyBytes(values));
}

} // namespace dfs
