// Strict CSV reading and atomic CSV writing for points, fields and trajectories.
#pragma once

#include "core/io/atomic_file.hpp"
#include "core/types.hpp"

#include <cstdint>
#include <span>
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

/// The largest magnitude of a data value the maths holds (see CsvLimits::maxMagnitude).
inline constexpr double kMaxDataMagnitude = 1e150;

struct CsvLimits {
    std::uintmax_t maxBytes = std::uintmax_t(1) << 30; ///< refuse files larger than this
    Index maxRows = 20'000'000;
    Index maxColumns = 4096;
    /// Largest |value| accepted: squares and sums of squares of data (distances, variances)
    /// must stay finite in double precision (sqrt of the largest double is about 1.3e154).
    double maxMagnitude = kMaxDataMagnitude;
};

/// Reads a CSV with a header row and finite numeric fields. Throws DataError naming the file
/// and line for: a missing or unreadable file, an empty file, a header without columns, a row
/// with the wrong number of fields, a non-numeric, NaN or infinite field, a value beyond
/// maxMagnitude, a file over limits, a binary file (a NUL byte; found in the first chunk read),
/// or a special file (FIFO, device, folder; refused by name without reading).
CsvTable readCsv(const std::string& path, const CsvLimits& limits = {});

/// Writes a header and rows atomically (temporary file in the same folder, then rename), with
/// enough digits to round-trip doubles. Throws DataError if the file cannot be written.
void writeCsv(const std::string& path, const std::vector<std::string>& header,
              const Matrix& values);

/// Streams rows to a CSV file atomically: nothing appears at `path` until commit(); a writer
/// destroyed without commit() leaves any earlier file untouched.
class CsvWriter {
public:
    /// Throws UsageError for an invalid header, DataError if the file cannot be created.
    CsvWriter(const std::string& path, std::vector<std::string> header);
    ~CsvWriter();
    /// One record; throws DataError for NaN or infinite values (naming row and column).
    void row(std::span<const double> values);
    void commit();

private:
    void flush();
    AtomicFile m_file;
    std::vector<std::string> m_header;
    std::string m_buffer;
    Index m_rows = 0;
};

} // namespace dfs
