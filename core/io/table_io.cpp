// CSV through the strict CSV writer; JSON with shortest round-trip numbers.
#include "core/io/table_io.hpp"

#include "core/errors.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/csv.hpp"
#include "core/io/file_names.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>

namespace dfs {

namespace {

std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

} // namespace

bool isTablePath(const std::string& path) {
    const std::string ext = lowercaseExtension(path);
    return ext == ".csv" || ext == ".json";
}

void writeTable(const std::string& path, const Table& t) {
    if (Index(t.columns.size()) != t.rows.cols())
        throw UsageError(fmt::format("{}: {} column names for {} columns", path, t.columns.size(),
                                     t.rows.cols()));
    const std::string ext = lowercaseExtension(path);
    if (ext == ".csv") return writeCsv(path, t.columns, t.rows);
    if (ext != ".json")
        throw UsageError(
            fmt::format("{}: unknown data extension '{}' (use .csv or .json)", path, ext));
    std::string out = "{\"columns\": [";
    for (std::size_t c = 0; c < t.columns.size(); ++c)
        out += (c ? ", " : "") + quoted(t.columns[c]);
    out += "],\n \"rows\": [";
    for (Index r = 0; r < t.rows.rows(); ++r) {
        out += r ? ",\n  [" : "\n  [";
        for (Index c = 0; c < t.rows.cols(); ++c) {
            const double v = t.rows(r, c);
            if (!std::isfinite(v))
                throw DataError(fmt::format("{}: row {} column {} is not a finite number", path,
                                            r + 1, t.columns[std::size_t(c)]));
            out += fmt::format("{}{}", c ? ", " : "", v);
        }
        out += "]";
    }
    out += "]}\n";
    writeFileAtomic(path, out);
}

} // namespace dfs
