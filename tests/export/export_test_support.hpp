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

/// Where a GIF frame's image block goes and how it is drawn.
struct GifBlock {
    int left = 0, top = 0, width = 0, height = 0;
    int transparent = -1;    // transparent table index, -1 for none
    int disposal = 0;        // DISPOSAL_UNSPECIFIED .. DISPOSE_PREVIOUS
    bool localTable = false; // carries its own colour table
};

struct DecodedGif {
    int width = 0, height = 0;
    bool loopsForever = false;
    std::vector<int> delays;                         // centiseconds, per frame
    std::vector<int> paletteSizes;                   // entries of the table in use, per frame
    std::vector<GifBlock> blocks;                    // per frame
    std::vector<RgbaImage> frames;                   // composed full frames (composeGifFrame)
    std::vector<std::vector<std::uint8_t>> indices;  // raw palette indices of each block
    std::vector<std::vector<std::uint8_t>> palettes; // RGB triples of the table in use
};
/// Reads a GIF with DGifSlurp and composes its frames; fails the test (REQUIRE) if giflib
/// cannot read it or an index lies outside its colour table.
DecodedGif readGif(const std::string& path);

/// One step of GIF composition (GIF89a, section 23: graphic control extension): draws a block's
/// pixels (`indices` into `table`, RGB triples) over `canvas`, leaving it as it was where a pixel
/// is the transparent index; returns the frame as displayed. Afterwards disposes of the block as
/// its disposal method says: unspecified or "do not dispose" keep the canvas, "restore to
/// background" clears the block's rectangle to transparent (alpha 0, as browsers do), "restore
/// to previous" puts the canvas back as it was before the block. Start from a canvas of
/// transparent black; a displayed pixel nothing has drawn has alpha 0.
RgbaImage composeGifFrame(RgbaImage& canvas, const GifBlock& block,
                          const std::vector<std::uint8_t>& indices,
                          const std::vector<std::uint8_t>& table);

/// What the GIF writer stores for `frame` before any frame differencing: each pixel the colour
/// of its palette entry in ColourQuantizer's result (which depends only on the frame and
/// `dither`).
RgbaImage quantisedFrame(const RgbaImage& frame, bool dither);

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
