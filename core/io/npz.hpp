// NumPy .npz archives: a zip file of .npy members, one per array, "NAME.npy" (numpy.savez and
// numpy.savez_compressed; NumPy format.rst). The zip layout is PKWARE's APPNOTE.TXT (6.3.x):
// local file headers (4.3.7), the central directory (4.3.12) and its end record (4.3.16).
//
// Read: members stored (method 0) or deflated (method 8, through zlib), each CRC-32 checked;
// zip64 size fields (numpy.savez writes them into the local headers) are taken from the
// central directory. Refused, naming the file and member: encrypted members, other compression
// methods, spanned archives, members over 1 GiB, a central directory or member outside the
// file, overlapping members, a bad CRC, a member that is not a valid .npy (npy.hpp).
// Written: stored members, no zip64 (archives under 4 GiB), CRC-32 from zlib.
#pragma once

#include "core/types.hpp"

#include <string>
#include <vector>

namespace dfs {

struct NpyArray {
    std::string name; ///< the member name without ".npy"
    Matrix values;    ///< (N,) arrays are N x 1; (N, H, W) arrays are N x H*W (npy.hpp)
    bool oneDimensional = false;
};

/// Reads every member of an .npz file, in archive order.
std::vector<NpyArray> readNpz(const std::string& path);
/// Writes an .npz (stored members "NAME.npy") atomically; DataError for a non-finite value or
/// a write error, UsageError for an empty or repeated name.
void writeNpz(const std::string& path, const std::vector<NpyArray>& arrays);

} // namespace dfs
