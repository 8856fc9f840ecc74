// The body of every libFuzzer target: DIFFUSCOPE_FUZZ_TARGET("csv") feeds each input to the
// loader of that name; refusals with the project's errors are expected, anything else (another
// exception, a signal, a sanitizer report, an allocation over -malloc_limit_mb) is a crash.
#pragma once

#include "tests/fuzz/fuzz_loaders.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

#define DIFFUSCOPE_FUZZ_TARGET(NAME)                                                               \
    extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {            \
        static const dfs::fuzz::FuzzLoader& loader = dfs::fuzz::fuzzLoader(NAME);                  \
        dfs::fuzz::loadOrRefuse(loader,                                                            \
                                std::string_view(reinterpret_cast<const char*>(data), size));      \
        return 0;                                                                                  \
    }
