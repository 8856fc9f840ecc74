// Strict CSV reading and atomic CSV writing for points, fields and trajectories.
#pragma once

#include "core/types.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace dfs {

/// A numeric table read from CSV: named columns, one row per record.
struct CsvTable {
    std::vector<std::string> header;
    Matrix values;
    /// Index of a named column, or -1.
    int column(const std::string& name) const;
};

struct CsvLimits {
    std::uintmax_t maxBytes = std::uintmax_t(1) << 30; ///< refuse files larger than this
    Index maxRows = 20'000'000;
    Index maxColumns = 4096;
};

/// Reads a CSV with a header row and finite numeric fields. Throws DataError naming the file
/// and line for: a missing or unreadable file, an empty file, a header without columns, a row
/// with the wrong number of fields, a non-numeric, NaN or infinite field, or a file over limits.
CsvTable readCsv(const std::string& path, const CsvLimits& limits = {});

/// Writes a header and rows atomically (temporary file in the same folder, then rename), with
/// enough digits to round-trip doubles. Throws DataError if the file cannot be written.
void writeCsv(const std::string& path, const std::vector<std::string>& header,
              const Matrix& values);

/// Writes text to a file atomically (temporary file, then rename). Throws DataError on failure.
void writeFileAtomic(const std::string& path, const std::string& contents);

} // namespace dfs
