// CSV through the strict CSV writer; JSON with shortest round-trip numbers; .npy and .npz
// through npy.hpp and npz.hpp.
#include "core/io/table_io.hpp"

#include "core/errors.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/csv.hpp"
#include "core/io/file_names.hpp"
#include "core/io/npy.hpp"
#include "core/io/npz.hpp"

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
    return ext == ".csv" || ext == ".json" || ext == ".npy" || ext == ".npz";
}

void writeTable(const std::string& path, const Table& t) {
    if (Index(t.columns.size()) != t.rows.cols())
        throw UsageError(fmt::format("{}: {} column names for {} columns", path, t.columns.size(),
                                     t.rows.cols()));
    const std::string ext = lowercaseExtension(path);
    if (ext == ".csv") return writeCsv(path, t.columns, t.rows);
    if (ext == ".npy") return writeNpy(path, t.rows);
    if (ext == ".npz") {
        std::vector<NpyArray> arrays;
        for (std::size_t c = 0; c < t.columns.size(); ++c)
            arrays.push_back({t.columns[c], t.rows.col(Index(c)), true});
        return writeNpz(path, arrays);
    }
    if (ext != ".json")
        throw UsageError(fmt::format(
            "{}: unknown data extension '{}' (use .csv, .json, .npy or .npz)", path, ext));
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

CsvTable readTable(const std::string& path) {
    const std::string ext = lowercaseExtension(path);
    CsvTable table;
    if (ext == ".npy") {
        table.values = readNpy(path);
        return table;
    }
    if (ext != ".npz") return readCsv(path);
    std::vector<NpyArray> arrays = readNpz(path);
    if (arrays.size() == 1 && !arrays[0].oneDimensional) {
        table.values = std::move(arrays[0].values);
        return table;
    }
    const Index rows = arrays[0].values.rows();
    for (const NpyArray& a : arrays)
        if (!a.oneDimensional || a.values.rows() != rows)
            throw DataError(fmt::format("{}: array '{}' is not a column like the others (an .npz "
                                        "table holds one array of shape (N, D), or arrays of "
                                        "shape (N,) named by their column)",
                                        path, a.name));
    table.values.resize(rows, Index(arrays.size()));
    for (std::size_t c = 0; c < arrays.size(); ++c) {
        table.header.push_back(arrays[c].name);
        table.values.col(Index(c)) = arrays[c].values.col(0);
    }
    return table;
}

} // namespace dfs
