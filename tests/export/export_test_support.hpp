// Test support for the export writers: scratch folders, and decoders that read back a written
// GIF (giflib) or MP4 (libavformat/libavcodec) into RgbaImage frames.
#pragma once

#include "app/export/rgba_image.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace dfs::test {

/// An empty folder DIFFUSCOPE_TEST_TMP/name (removed and recreated).
std::filesystem::path scratchFolder(const std::string& name);
/// Names of the entries in `folder`, sorted.
std::vector<std::string> entriesOf(const std::filesystem::path& folder);

struct DecodedGif {
    int width = 0, height = 0;
    bool loopsForever = false;
    std::vector<int> delays;                         // centiseconds, per frame
    std::vector<int> paletteSizes;                   // local colour table entries, per frame
    std::vector<RgbaImage> frames;                   // composited full frames
    std::vector<std::vector<std::uint8_t>> indices;  // raw palette indices, per frame
    std::vector<std::vector<std::uint8_t>> palettes; // RGB triples, per frame
};
/// Reads a GIF with DGifSlurp; fails the test (REQUIRE) if giflib cannot read it.
DecodedGif readGif(const std::string& path);

struct DecodedVideo {
    int width = 0, height = 0;
    std::string codec;    // decoder name, e.g. "h264"
    double frameRate = 0; // the stream's average frame rate
    std::vector<RgbaImage> frames;
};
/// Decodes every frame of a video file; fails the test (REQUIRE) on any libav error.
DecodedVideo readVideo(const std::string& path);

struct ImageError {
    double meanAbs = 0; // mean absolute error per channel (RGB)
    int maxAbs = 0;     // largest absolute channel error
};
/// Per-channel RGB error of `b` against `a` (same size required).
ImageError compareImages(const RgbaImage& a, const RgbaImage& b);
/// The largest difference of block means (RGB, per channel) over `block` x `block` tiles, leaving
/// out `margin` pixels at each edge: what the eye sees of banding once dither noise is averaged
/// out.
double maxBlockMeanError(const RgbaImage& a, const RgbaImage& b, int block, int margin = 0);
/// Mean colour (RGB) of an image.
std::array<double, 3> meanColour(const RgbaImage& image);

/// Runs `f` and requires it to throw exactly E (or a subclass) whose message contains every
/// fragment.
template <class E, class F> void requireThrows(F&& f, const std::vector<std::string>& fragments) {
    try {
        f();
    } catch (const E& e) {
        const std::string message = e.what();
        INFO("message: " << message);
        for (const std::string& fragment : fragments)
            CHECK_THAT(message, Catch::Matchers::Contains(fragment));
        return;
    }
    FAIL("no exception was thrown");
}

} // namespace dfs::test
