// Numeric tables (named columns, one row per record) written as CSV, JSON, .npy or .npz by the
// file's extension: the data exports of samples, trajectories, fields, schedules and loss
// curves.
#pragma once

#include "core/io/csv.hpp"
#include "core/types.hpp"

#include <string>
#include <vector>

namespace dfs {

struct Table {
    std::vector<std::string> columns;
    Matrix rows; ///< one row per record, one column per name
};

/// Writes `path` atomically: `.csv` (header row, then records), `.json`
/// ({"columns": [...], "rows": [[...], ...]}), `.npy` (one float64 array of shape (rows,
/// columns); the names are not kept) or `.npz` (one float64 array of shape (rows,) per column,
/// named by the column: numpy.load(f)["x"]). Throws UsageError for another extension or a
/// column count that does not match, DataError for NaN/infinite values or a write error.
void writeTable(const std::string& path, const Table& table);

/// Reads a numeric table by the file's extension: `.npy` (npy.hpp; `header` is left empty:
/// the columns are positional), `.npz` (npz.hpp: a single array is read as `.npy`; otherwise
/// every member must be one-dimensional with the same length, one named column each) or, for
/// any other extension, CSV (readCsv). Throws DataError naming the file.
CsvTable readTable(const std::string& path);

/// Whether `path` ends in .csv, .json, .npy or .npz (case-insensitive).
bool isTablePath(const std::string& path);

} // namespace dfs
