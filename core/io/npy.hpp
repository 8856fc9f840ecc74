// NumPy .npy arrays (NumPy format.rst, "The .npy format", versions 1.0, 2.0 and 3.0; NEP 1):
//
//   bytes 0..5  magic "\x93NUMPY"            bytes 6, 7  major, minor version
//   u16 (v1) or u32 (v2, v3) little-endian   length of the header
//   header      a Python dict literal {'descr': '<f8', 'fortran_order': False, 'shape': (N, D), }
//               padded with spaces and ended by '\n' so the data starts at a multiple of 64
//   data        the elements, C (row-major) or Fortran (column-major) order as the header says
//
// Read: dtypes float32 and float64 ('<f4', '>f4', '<f8', '>f8'), either byte order; C or
// Fortran order (Fortran arrays are read as the same logical array); 1, 2 or 3 dimensions:
// (N,) is one column, (N, D) N rows of D values, (N, H, W) N images flattened row by row to
// H*W values. Anything else (integers, complex, objects, structured dtypes, 0 or more than 3
// dimensions, a header that does not parse, data that is shorter or longer than the shape says,
// NaN or infinite values) is refused with DataError naming the file.
// Written: version 1.0, '<f8', C order, shape (rows, cols).
#pragma once

#include "core/types.hpp"

#include <cstdint>
#include <string>

namespace dfs {

/// The largest .npy file (or .npz member) read: 1 GiB, as for CSV.
inline constexpr std::uintmax_t kMaxNpyBytes = std::uintmax_t(1) << 30;

/// Parses .npy bytes; `name` names the file (or "file.npz:member") in messages; `dims`
/// (optional) receives the number of dimensions of the stored shape.
Matrix parseNpy(const std::string& bytes, const std::string& name, int* dims = nullptr);
/// Reads a .npy file through readRegularFile (special files refused, size bounded).
Matrix readNpy(const std::string& path);

/// The .npy bytes of a matrix: version 1.0, '<f8', C order, shape (rows, cols); a vector of
/// one column is written as shape (rows,) when `oneDimensional`.
std::string npyBytes(const Matrix& values, bool oneDimensional = false);
/// Writes npyBytes atomically; DataError if the file cannot be written or a value is not finite.
void writeNpy(const std::string& path, const Matrix& values);

} // namespace dfs
