// Numeric tables (named columns, one row per record) written as CSV or JSON by the file's
// extension: the data exports of samples, trajectories, fields, schedules and loss curves.
#pragma once

#include "core/types.hpp"

#include <string>
#include <vector>

namespace dfs {

struct Table {
    std::vector<std::string> columns;
    Matrix rows; ///< one row per record, one column per name
};

/// Writes `path` atomically: `.csv` (header row, then records) or `.json`
/// ({"columns": [...], "rows": [[...], ...]}). Throws UsageError for another extension or a
/// column count that does not match, DataError for NaN/infinite values or a write error.
void writeTable(const std::string& path, const Table& table);

/// Whether `path` ends in .csv or .json (case-insensitive).
bool isTablePath(const std::string& path);

} // namespace dfs
