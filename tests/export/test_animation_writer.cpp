// The writer factory and the contract both writers share: validation, errors, atomic files.
#include "app/export/animation_writer.hpp"

#include "app/export/gif_writer.hpp"
#include "app/export/mp4_writer.hpp"
#include "core/errors.hpp"
#include "export_test_support.hpp"
#include "heat_map.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <iterator>

using namespace dfs;
using namespace dfs::test;
namespace fs = std::filesystem;

namespace {

std::string readText(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace

TEST_CASE("Factory picks the writer by extension, case-insensitively", "[export]") {
    const auto folder = scratchFolder("factory");
    CHECK(dynamic_cast<GifWriter*>(
        makeAnimationWriter((folder / "a.gif").string(), 32, 32, 10).get()));
    CHECK(dynamic_cast<GifWriter*>(
        makeAnimationWriter((folder / "a.GIF").string(), 32, 32, 10).get()));
    CHECK(dynamic_cast<Mp4Writer*>(
        makeAnimationWriter((folder / "a.Mp4").string(), 32, 32, 10).get()));
    CHECK(entriesOf(folder).empty());
    requireThrows<UsageError>([&] { makeAnimationWriter((folder / "a.avi").string(), 32, 32, 10); },
                              {"'.avi'", ".gif", ".mp4"});
    requireThrows<UsageError>([&] { makeAnimationWriter((folder / "noext").string(), 32, 32, 10); },
                              {"(none)", ".gif"});
    CHECK(entriesOf(folder).empty());
}

TEST_CASE("Writers refuse absurd sizes and frame rates", "[export]") {
    const auto folder = scratchFolder("settings");
    for (const std::string name : {"a.gif", "a.mp4"}) {
        const std::string path = (folder / name).string();
        INFO(name);
        requireThrows<UsageError>([&] { makeAnimationWriter(path, 8, 8, 10); },
                                  {"size 8x8 is outside 16..8192"});
        requireThrows<UsageError>([&] { makeAnimationWriter(path, 9000, 100, 10); },
                                  {"size 9000x100 is outside 16..8192"});
        requireThrows<UsageError>([&] { makeAnimationWriter(path, -4, 100, 10); }, {"-4x100"});
        for (const double fps : {0.0, -1.0, 121.0, std::nan("")})
            requireThrows<UsageError>([&] { makeAnimationWriter(path, 32, 32, fps); },
                                      {"frame rate"});
    }
    CHECK(entriesOf(folder).empty());
}

TEST_CASE("Writers refuse frames of another size, and stay usable", "[export]") {
    const auto folder = scratchFolder("mismatch");
    for (const std::string name : {"a.gif", "a.mp4"}) {
        INFO(name);
        const std::string path = (folder / name).string();
        auto writer = makeAnimationWriter(path, 32, 32, 10);
        requireThrows<UsageError>([&] { writer->addFrame(heatMap(32, 16)); },
                                  {"16", "32x32", "does not match"});
        RgbaImage broken = heatMap(32, 32);
        broken.pixels.resize(10);
        requireThrows<UsageError>([&] { writer->addFrame(broken); }, {"buffer"});
        CHECK(writer->frames() == 0);
        writer->addFrame(heatMap(32, 32));
        writer->finish();
        CHECK(writer->frames() == 1);
        CHECK(fs::exists(path));
    }
}

TEST_CASE("finish() with no frames is a usage error, misuse a logic error", "[export]") {
    const auto folder = scratchFolder("lifecycle");
    for (const std::string name : {"a.gif", "a.mp4"}) {
        INFO(name);
        const std::string path = (folder / name).string();
        auto writer = makeAnimationWriter(path, 32, 32, 10);
        requireThrows<UsageError>([&] { writer->finish(); }, {"no frames to write", name});
        CHECK_FALSE(fs::exists(path));
        writer->addFrame(heatMap(32, 32));
        writer->finish();
        CHECK(fs::exists(path));
        CHECK_THROWS_AS(writer->addFrame(heatMap(32, 32)), std::logic_error);
        CHECK_THROWS_AS(writer->finish(), std::logic_error);
    }
    CHECK(entriesOf(folder) == std::vector<std::string>{"a.gif", "a.mp4"});
}

TEST_CASE("A writer destroyed before finish() leaves nothing, and spares an old file", "[export]") {
    const auto folder = scratchFolder("abandon");
    for (const std::string name : {"a.gif", "a.mp4"}) {
        INFO(name);
        const std::string path = (folder / name).string();
        {
            auto writer = makeAnimationWriter(path, 64, 64, 10);
            for (int i = 0; i < 3; ++i) writer->addFrame(heatMap(64, 64, 0.1 * i));
            CHECK(entriesOf(folder).size() == 1); // the temporary file
        }
        CHECK(entriesOf(folder).empty());

        { std::ofstream(path) << "precious"; }
        {
            auto writer = makeAnimationWriter(path, 64, 64, 10);
            writer->addFrame(heatMap(64, 64));
        }
        CHECK(readText(path) == "precious");
        CHECK(entriesOf(folder) == std::vector<std::string>{name});
        {
            auto writer = makeAnimationWriter(path, 64, 64, 10);
            writer->addFrame(heatMap(64, 64));
            writer->finish();
        }
        CHECK(readText(path) != "precious");
        CHECK(entriesOf(folder) == std::vector<std::string>{name});
        fs::remove(path);
    }
}

TEST_CASE("An unwritable destination is a data error naming the path", "[export]") {
    const auto folder = scratchFolder("unwritable");
    for (const std::string name : {"a.gif", "a.mp4"}) {
        INFO(name);
        const std::string missing = (folder / "no-such-folder" / name).string();
        requireThrows<DataError>([&] { makeAnimationWriter(missing, 32, 32, 10); },
                                 {missing, "does not exist"});
        fs::create_directory(folder / name);
        requireThrows<DataError>([&] { makeAnimationWriter((folder / name).string(), 32, 32, 10); },
                                 {(folder / name).string(), "folder"});
        fs::remove(folder / name);
        if (::geteuid() != 0) { // root writes anywhere
            const fs::path locked = folder / "locked";
            fs::create_directory(locked);
            fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
            const std::string path = (locked / name).string();
            requireThrows<DataError>([&] { makeAnimationWriter(path, 32, 32, 10); },
                                     {path, "ermission"});
            fs::permissions(locked, fs::perms::owner_all);
            fs::remove(locked);
        }
    }
    CHECK(entriesOf(folder).empty());
}
