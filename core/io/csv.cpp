// Strict CSV reader (header row + finite numbers, one-line errors naming file and line) and
// atomic writers (temporary file in the target folder, then rename).
#include "core/io/csv.hpp"

#include "core/errors.hpp"
#include "core/io/input_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <system_error>

namespace dfs {

namespace fs = std::filesystem;

namespace {

std::string_view trim(std::string_view s) {
    const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
    return s;
}

/// A field as it may appear inside a one-line message: control characters replaced, long
/// fields shortened.
std::string printable(std::string_view s) {
    constexpr std::size_t maxLen = 40;
    std::string out;
    for (std::size_t i = 0; i < s.size() && i < maxLen; ++i)
        out += (static_cast<unsigned char>(s[i]) < 0x20) ? '?' : s[i];
    if (s.size() > maxLen) out += "...";
    return out;
}

std::string systemReason(int err) {
    return std::error_code(err, std::system_category()).message();
}

/// Parses one trimmed field as a finite double; throws DataError naming file, line and field.
double parseField(std::string_view field, const std::string& path, std::size_t line, Index col,
                  double maxMagnitude) {
    if (field.empty())
        throw DataError(fmt::format("{}:{}: field {} is empty", path, line, col + 1));
    std::string_view digits = field;
    if (digits.size() > 1 && digits[0] == '+' && digits[1] != '-' && digits[1] != '+')
        digits.remove_prefix(1);
    double value = 0.0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec == std::errc::result_out_of_range)
        throw DataError(fmt::format("{}:{}: field {} '{}' is out of the range of a double", path,
                                    line, col + 1, printable(field)));
    if (ec != std::errc() || ptr != digits.data() + digits.size())
        throw DataError(fmt::format("{}:{}: field {} '{}' is not a number", path, line, col + 1,
                                    printable(field)));
    if (!std::isfinite(value))
        throw DataError(fmt::format("{}:{}: field {} is NaN or infinite", path, line, col + 1));
    if (std::abs(value) > maxMagnitude)
        throw DataError(fmt::format("{}:{}: field {} '{}' is too large (|x| > {:g}, beyond what "
                                    "the maths holds)",
                                    path, line, col + 1, printable(field), maxMagnitude));
    return value;
}

std::string readWholeFile(const std::string& path, const CsvLimits& limits) {
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st))
        throw DataError(
            fmt::format("{}: cannot open ({})", path, ec ? ec.message() : systemReason(ENOENT)));
    const std::uintmax_t size = regularFileSize(path, "CSV file"); // special files: refused
    if (size > limits.maxBytes) {
        std::string have = formatBytes(size), limit = formatBytes(limits.maxBytes);
        if (have == limit) {
            have = fmt::format("{} bytes", size);
            limit = fmt::format("{} byte", limits.maxBytes);
        }
        throw DataError(fmt::format("{}: file is {}, larger than the {} limit", path, have, limit));
    }
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw DataError(fmt::format("{}: cannot open ({})", path, systemReason(errno)));
    // Read in chunks, each checked for NUL bytes, so a binary file is refused after its first
    // chunk, not after the whole file is in memory.
    std::string text;
    std::string chunk(std::size_t(1) << 16, '\0');
    bool failed = false;
    for (;;) {
        const std::size_t got = std::fread(chunk.data(), 1, chunk.size(), f);
        if (got == 0) {
            failed = std::ferror(f) != 0;
            break;
        }
        if (const void* nul = std::memchr(chunk.data(), 0, got)) {
            const std::size_t at =
                text.size() + std::size_t(static_cast<const char*>(nul) - chunk.data());
            std::fclose(f);
            throw DataError(
                fmt::format("{}: a NUL byte at offset {}; a binary file, not CSV text", path, at));
        }
        if (text.size() + got > limits.maxBytes) {
            std::fclose(f);
            throw DataError(fmt::format("{}: grew past the {} limit while read", path,
                                        formatBytes(limits.maxBytes)));
        }
        if (text.empty()) text.reserve(std::size_t(size));
        text.append(chunk.data(), got);
    }
    std::fclose(f);
    if (failed) throw DataError(fmt::format("{}: cannot read the file", path));
    return text;
}

} // namespace

int CsvTable::column(const std::string& name) const {
    const auto it = std::find(header.begin(), header.end(), name);
    return it == header.end() ? -1 : int(it - header.begin());
}

CsvTable readCsv(const std::string& path, const CsvLimits& limits) {
    const std::string buffer = readWholeFile(path, limits);
    std::string_view text = buffer;
    if (text.substr(0, 3) == "\xEF\xBB\xBF") // UTF-8 byte-order mark written by spreadsheets
        text.remove_prefix(3);
    // Trailing empty lines (and the final newline) are not rows.
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' ||
                             text.back() == '\t'))
        text.remove_suffix(1);
    if (text.empty()) throw DataError(fmt::format("{}: file is empty", path));

    const auto lineCount = std::size_t(std::count(text.begin(), text.end(), '\n')) + 1;
    std::size_t pos = 0;
    const auto nextLine = [&]() {
        const std::size_t end = std::min(text.find('\n', pos), text.size());
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        return line;
    };

    CsvTable table;
    const std::string_view headerLine = nextLine();
    if (trim(headerLine).empty())
        throw DataError(fmt::format("{}:1: the header row is empty", path));
    for (std::size_t start = 0;;) {
        const std::size_t comma = std::min(headerLine.find(',', start), headerLine.size());
        std::string_view name = trim(headerLine.substr(start, comma - start));
        if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
            name = trim(name.substr(1, name.size() - 2));
        if (name.empty())
            throw DataError(
                fmt::format("{}:1: header column {} has no name", path, table.header.size() + 1));
        if (std::find(table.header.begin(), table.header.end(), name) != table.header.end())
            throw DataError(fmt::format("{}:1: duplicate column '{}'", path, printable(name)));
        table.header.emplace_back(name);
        if (Index(table.header.size()) > limits.maxColumns)
            throw DataError(fmt::format("{}:1: more than {} columns", path, limits.maxColumns));
        if (comma == headerLine.size()) break;
        start = comma + 1;
    }

    const auto rows = Index(lineCount - 1);
    if (rows == 0) throw DataError(fmt::format("{}: no data rows (only a header)", path));
    if (rows > limits.maxRows)
        throw DataError(
            fmt::format("{}: {} data rows, more than the limit of {}", path, rows, limits.maxRows));
    const auto cols = Index(table.header.size());
    table.values.resize(rows, cols);

    for (Index r = 0; r < rows; ++r) {
        const std::size_t lineNo = std::size_t(r) + 2;
        const std::string_view line = nextLine();
        if (trim(line).empty()) throw DataError(fmt::format("{}:{}: empty line", path, lineNo));
        const auto fields = Index(std::count(line.begin(), line.end(), ',')) + 1;
        if (fields != cols)
            throw DataError(
                fmt::format("{}:{}: expected {} fields, got {}", path, lineNo, cols, fields));
        std::size_t start = 0;
        for (Index c = 0; c < cols; ++c) {
            const std::size_t comma = std::min(line.find(',', start), line.size());
            table.values(r, c) = parseField(trim(line.substr(start, comma - start)), path, lineNo,
                                            c, limits.maxMagnitude);
            start = comma + 1;
        }
    }
    return table;
}

namespace {

void checkHeader(const std::string& path, const std::vector<std::string>& header) {
    if (header.empty()) throw UsageError(fmt::format("writing {}: no columns", path));
    for (const auto& name : header)
        if (name.empty() || name.find_first_of(",\r\n\"") != std::string::npos ||
            trim(name) != name)
            throw UsageError(
                fmt::format("writing {}: invalid column name '{}'", path, printable(name)));
}

} // namespace

CsvWriter::CsvWriter(const std::string& path, std::vector<std::string> header)
    : m_file(path), m_header(std::move(header)) {
    checkHeader(path, m_header);
    for (std::size_t c = 0; c < m_header.size(); ++c) {
        if (c > 0) m_buffer.push_back(',');
        m_buffer.append(m_header[c]);
    }
    m_buffer.push_back('\n');
}

CsvWriter::~CsvWriter() = default;

void CsvWriter::row(std::span<const double> values) {
    if (values.size() != m_header.size())
        throw UsageError(fmt::format("writing {}: row of {} values for {} columns", m_file.path(),
                                     values.size(), m_header.size()));
    ++m_rows;
    for (std::size_t c = 0; c < values.size(); ++c) {
        const double v = values[c];
        if (!std::isfinite(v))
            throw DataError(fmt::format("cannot write {}: row {} column '{}' is NaN or infinite",
                                        m_file.path(), m_rows, m_header[c]));
        if (c > 0) m_buffer.push_back(',');
        // fmt's "{}" is the shortest representation that round-trips (Dragonbox).
        fmt::format_to(std::back_inserter(m_buffer), "{}", v);
    }
    m_buffer.push_back('\n');
    if (m_buffer.size() > (std::size_t(1) << 20)) flush();
}

void CsvWriter::flush() {
    m_file.write(m_buffer);
    m_buffer.clear();
}

void CsvWriter::commit() {
    flush();
    m_file.commit();
}

void writeCsv(const std::string& path, const std::vector<std::string>& header,
              const Matrix& values) {
    if (Index(header.size()) != values.cols())
        throw UsageError(fmt::format("writing {}: {} column names for {} columns", path,
                                     header.size(), values.cols()));
    CsvWriter writer(path, header);
    std::vector<double> row(header.size());
    for (Index r = 0; r < values.rows(); ++r) {
        for (Index c = 0; c < values.cols(); ++c) row[std::size_t(c)] = values(r, c);
        writer.row(row);
    }
    writer.commit();
}

} // namespace dfs
