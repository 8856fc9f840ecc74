// The loaders as the fuzz targets (tests/fuzz/fuzz_*.cpp) and the corpus replay test
// (tests/core/test_fuzz_corpus.cpp) call them: each takes the bytes of one input file and hands
// them to the real entry point (through a scratch file where that entry point takes a path).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dfs::fuzz {

/// Feeds `bytes` to one loader; returns normally when the input loaded. Refusals are the
/// project's errors (DataError, UsageError, DeviceError); anything else is a bug.
using LoaderFn = void (*)(std::string_view bytes);

struct FuzzLoader {
    std::string name; ///< the target: tests/fuzz/corpus/<name>, crashers/<name>, dict/<name>.dict
    LoaderFn load;
};

/// Every loader, one per fuzz target. A new format adds one line here and one
/// `diffuscope_fuzz_target(fuzz_NAME NAME)` in tests/fuzz/CMakeLists.txt.
const std::vector<FuzzLoader>& fuzzLoaders();

/// The loader named `name` (std::out_of_range if there is none).
const FuzzLoader& fuzzLoader(std::string_view name);

/// True when `bytes` loaded, false when the loader refused them with a project error. Any other
/// exception propagates (libFuzzer reports it as a crash; the replay test fails).
bool loadOrRefuse(const FuzzLoader& loader, std::string_view bytes);

} // namespace dfs::fuzz
