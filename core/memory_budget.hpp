// The memory budget: how much memory one piece of work (loading a dataset, training, a render,
// a scene) may plan to use. Work whose estimate exceeds it is refused before it starts, with the
// estimate and the setting to change. The budget is a quarter of the machine's physical memory,
// or DIFFUSCOPE_MEMORY_BUDGET (bytes, or a number with K, M, G or T: "6G") when set.
#pragma once

#include <cstdint>
#include <string>

namespace dfs {

/// The budget in bytes (read once per call: the environment may change between runs in tests).
/// Throws UsageError if DIFFUSCOPE_MEMORY_BUDGET is set but not a positive size.
std::uint64_t memoryBudgetBytes();

/// Where the budget comes from, for messages: "a quarter of this machine's 23.4 GiB; set
/// DIFFUSCOPE_MEMORY_BUDGET to change it", or "DIFFUSCOPE_MEMORY_BUDGET".
std::string memoryBudgetSource();

/// "512 MiB" below a GiB, else "7.5 GiB": how the budget's messages write sizes.
std::string memoryText(double bytes);

/// Throws UsageError when `estimateBytes` exceeds the budget: "<what> needs about 7.5 GiB of
/// memory, more than the budget of 5.8 GiB (<source>); <hint>". `hint` names the flag or
/// setting to change.
void requireWithinMemoryBudget(double estimateBytes, const std::string& what,
                               const std::string& hint);

/// The same for data read from a file: throws DataError instead (exit 1: bad data).
void requireDataWithinMemoryBudget(double estimateBytes, const std::string& what,
                                   const std::string& hint);

} // namespace dfs
