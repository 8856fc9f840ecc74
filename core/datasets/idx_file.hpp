// IDX files (LeCun et al., the MNIST format): a big-endian header (two zero bytes, a type code,
// the number of dimensions, each dimension as a 32-bit size), then the values. Plain or
// gzip-compressed, as Debian's dataset packages ship them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dfs {

struct IdxArray {
    std::vector<std::uint32_t> dims;  ///< e.g. {60000, 28, 28} for images, {60000} for labels
    std::vector<std::uint8_t> values; ///< the first items read (all unless readIdx was told)
    std::size_t count() const;        ///< product of dims (as declared)
};

/// Largest IDX payload read (bytes): the datasets here are tens of megabytes.
inline constexpr std::size_t kMaxIdxBytes = std::size_t(1) << 30;

/// Largest image side (every dimension after the first): the datasets here are 28 pixels a side.
inline constexpr std::uint32_t kMaxIdxSide = 1024;

/// Reads an unsigned-byte IDX file (type 0x08), gzip-compressed or not. Throws DataError naming
/// the file: missing or a special file, not IDX (magic), another value type, zero or over-large
/// dimensions (an image side over kMaxIdxSide), a declared size the file cannot hold (checked
/// before allocating), truncated, or trailing bytes. Decompresses in bounded chunks.
/// With `maxItems`, only the first maxItems entries along the first dimension are read into
/// `values` (dims stay as declared) and the rest of the file is not decompressed.
IdxArray readIdx(const std::string& path, std::size_t maxItems = SIZE_MAX);

} // namespace dfs
