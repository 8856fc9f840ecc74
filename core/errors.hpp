// Error types of the core. The CLI maps DataError and DeviceError to exit code 1 and UsageError
// to exit code 2; the GUI shows the message and keeps running.
#pragma once

#include <stdexcept>
#include <string>

namespace dfs {

/// Bad input data: a file that cannot be read, a malformed row, a NaN. The message names the
/// file and line (or the value) that is wrong.
struct DataError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// A bad request: an unknown name, a setting out of range, an impossible combination. The
/// message names the setting.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// A compute device failed: device lost, out of device memory, a timeout. The CLI exits 1; the
/// GUI falls back to the CPU backend and says why.
struct DeviceError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

} // namespace dfs
