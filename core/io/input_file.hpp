// Opening input files safely: special files (folders, FIFOs, devices, sockets) and broken links
// are refused by name before any read, sizes are checked before anything is allocated, and
// reads go in bounded chunks, so a hostile path can neither hang the program nor make it grow.
#pragma once

#include <cstdint>
#include <string>

namespace dfs {

/// The size in bytes of the regular file at `path`. Throws DataError naming `path` (and `what`,
/// e.g. "scene file") if it is missing, unreadable, a folder, a FIFO, a device, a socket or a
/// symbolic-link loop. Never throws std::filesystem errors and never opens the file.
std::uintmax_t regularFileSize(const std::string& path, const char* what);

/// The whole content of the regular file at `path`, refused with DataError before reading when
/// larger than `maxBytes`, and read in bounded chunks (a file that grows while read is refused
/// once past `maxBytes`).
std::string readRegularFile(const std::string& path, std::uintmax_t maxBytes, const char* what);

/// Most bytes DEFLATE (RFC 1951) can produce from one compressed byte: a 258-byte match costs
/// at least two bits, so its limit is 1032:1. A header that declares more than this times its
/// compressed size is lying, and is refused before anything of that size is allocated.
inline constexpr int kMaxDeflateRatio = 1032;

/// A byte count for messages: "512 bytes", "3.0 GiB".
std::string formatBytes(std::uintmax_t bytes);

/// A token from an input file as it may appear in a one-line message: control characters
/// replaced by '?', cut to `maxLen` characters with "..." after.
std::string printableToken(const std::string& s, std::size_t maxLen = 40);

} // namespace dfs
