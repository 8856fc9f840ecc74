// Per-process scratch folder for the fuzz loaders.
#include "tests/fuzz/fuzz_scratch.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <unistd.h>

namespace dfs::fuzz {

namespace {

namespace fs = std::filesystem;

fs::path scratchRoot() {
    std::error_code ec;
    if (fs::is_directory("/dev/shm", ec) && access("/dev/shm", W_OK) == 0) return "/dev/shm";
    if (const char* t = std::getenv("TMPDIR"); t && *t) return t;
    return "/tmp";
}

struct Scratch {
    std::string dir;
    Scratch() {
        const fs::path p = scratchRoot() / ("diffuscope-fuzz-" + std::to_string(getpid()));
        std::error_code ec;
        fs::create_directories(p, ec);
        if (ec) throw std::runtime_error("cannot create the fuzz scratch folder " + p.string());
        dir = p.string();
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

} // namespace

const std::string& scratchDir() {
    static const Scratch scratch;
    return scratch.dir;
}

std::string writeScratch(const std::string& name, std::string_view bytes) {
    const std::string path = scratchDir() + "/" + name;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) throw std::runtime_error("cannot write the fuzz scratch file " + path);
    const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    if (std::fclose(f) != 0 || !ok)
        throw std::runtime_error("cannot write the fuzz scratch file " + path);
    return path;
}

} // namespace dfs::fuzz
