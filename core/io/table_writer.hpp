// A table written row by row whose format follows the file's extension: `.npy` and `.npz`
// collect the rows and write them at commit() (table_io.hpp); any other extension streams CSV
// through CsvWriter, byte for byte as before.
#pragma once

#include "core/io/csv.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace dfs {

class TableWriter {
public:
    /// Throws UsageError for an invalid header, DataError if the file cannot be created.
    TableWriter(const std::string& path, std::vector<std::string> header);
    /// One record; throws DataError for NaN or infinite values (naming row and column).
    void row(std::span<const double> values);
    /// Writes (or renames) the file into place; nothing appears at `path` before.
    void commit();

private:
    std::string m_path;
    std::vector<std::string> m_header;
    std::optional<CsvWriter> m_csv;
    std::vector<double> m_values; ///< .npy/.npz rows, row-major
};

/// A whole table at once with the same rule: `.npy`/`.npz` by writeTable, anything else CSV.
void writeRows(const std::string& path, const std::vector<std::string>& header,
               const Matrix& values);

} // namespace dfs
