// IDX files (LeCun et al., the MNIST format): a big-endian header (two zero bytes, a type code,
// the number of dimensions, each dimension as a 32-bit size), then the values. Plain or
// gzip-compressed, as Debian's dataset packages ship them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dfs {

struct IdxArray {
    std::vector<std::uint32_t> dims; ///< e.g. {60000, 28, 28} for images, {60000} for labels
    std::vector<std::uint8_t> values;
    std::size_t count() const; ///< product of dims
};

/// Largest IDX payload read (bytes): the datasets here are tens of megabytes.
inline constexpr std::size_t kMaxIdxBytes = std::size_t(1) << 30;

/// Reads an unsigned-byte IDX file (type 0x08), gzip-compressed or not. Throws DataError naming
/// the file: missing, not IDX (magic), another value type, zero or over-large dimensions,
/// truncated, or trailing bytes.
IdxArray readIdx(const std::string& path);

} // namespace dfs
