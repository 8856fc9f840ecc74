// Row-by-row tables: CSV streamed, NumPy formats collected.
#include "core/io/table_writer.hpp"

#include "core/errors.hpp"
#include "core/io/file_names.hpp"
#include "core/io/table_io.hpp"

#include <cmath>
#include <fmt/format.h>

namespace dfs {

TableWriter::TableWriter(const std::string& path, std::vector<std::string> header)
    : m_path(path), m_header(std::move(header)) {
    const std::string ext = lowercaseExtension(path);
    if (ext != ".npy" && ext != ".npz")
        m_csv.emplace(path, m_header);
    else if (m_header.empty())
        throw UsageError(fmt::format("{}: a table needs at least one column", path));
}

void TableWriter::row(std::span<const double> values) {
    if (m_csv) return m_csv->row(values);
    if (values.size() != m_header.size())
        throw UsageError(fmt::format("{}: a row of {} values for {} columns", m_path, values.size(),
                                     m_header.size()));
    for (std::size_t c = 0; c < values.size(); ++c)
        if (!std::isfinite(values[c]))
            throw DataError(fmt::format("{}: row {} column {} is not a finite number", m_path,
                                        m_values.size() / m_header.size() + 1, m_header[c]));
    m_values.insert(m_values.end(), values.begin(), values.end());
}

void TableWriter::commit() {
    if (m_csv) return m_csv->commit();
    Table t;
    t.columns = m_header;
    const Index cols = Index(m_header.size());
    t.rows = Eigen::Map<const Matrix>(m_values.data(), Index(m_values.size()) / cols, cols);
    writeTable(m_path, t);
}

void writeRows(const std::string& path, const std::vector<std::string>& header,
               const Matrix& values) {
    const std::string ext = lowercaseExtension(path);
    if (ext == ".npy" || ext == ".npz") return writeTable(path, {header, values});
    writeCsv(path, header, values);
}

} // namespace dfs
