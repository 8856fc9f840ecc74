// The fuzz targets' inputs replayed in every build (g++ or clang, sanitizers or not): each seed
// in tests/fuzz/corpus/<target>/ and each crasher kept in tests/fuzz/crashers/<target>/ goes
// through the same loader as the fuzzer (tests/fuzz/fuzz_loaders.cpp) and is either loaded or
// refused with the project's error; nothing else may happen.
#include "tests/fuzz/fuzz_loaders.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

/// The files of tests/fuzz/<kind>/<target>/ in name order (none if the folder is missing).
std::vector<fs::path> inputsOf(const std::string& kind, const std::string& target) {
    std::vector<fs::path> files;
    const fs::path dir = fs::path(DIFFUSCOPE_FUZZ_DIR) / kind / target;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file() && it->path().filename().string()[0] != '.')
            files.push_back(it->path());
    std::sort(files.begin(), files.end());
    return files;
}

std::string bytesOf(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

TEST_CASE("fuzz corpus and crashers replay: loaded or refused, nothing else", "[fuzz]") {
    for (const auto& loader : dfs::fuzz::fuzzLoaders()) {
        int loaded = 0;
        const auto seeds = inputsOf("corpus", loader.name);
        INFO("target " << loader.name);
        CHECK(!seeds.empty());
        for (const fs::path& p : seeds) {
            INFO("seed " << p.string());
            bool ok = false;
            REQUIRE_NOTHROW(ok = dfs::fuzz::loadOrRefuse(loader, bytesOf(p)));
            loaded += ok;
        }
        CHECK(loaded > 0); // the seeds are real files: most of them load
        for (const fs::path& p : inputsOf("crashers", loader.name)) {
            INFO("crasher " << p.string());
            REQUIRE_NOTHROW(dfs::fuzz::loadOrRefuse(loader, bytesOf(p)));
        }
    }
}
