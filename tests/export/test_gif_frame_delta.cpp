// GIF frame differencing: a written GIF, decoded with giflib and composed by the GIF rules, must
// give exactly the quantised frames the writer would store whole (dithered or not, few or many
// colours, 256-colour frames), while storing only the changed rectangle of each frame.
#include "app/export/gif_frame_delta.hpp"
#include "app/export/gif_writer.hpp"

#include "export_test_support.hpp"
#include "heat_map.hpp"

#include <catch2/catch.hpp>

#include <gif_lib.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using namespace dfs;
using namespace dfs::test;

namespace {

constexpr int kW = 64, kH = 48;

/// Writes `frames` to `path` and requires every composed frame to be, pixel for pixel and
/// opaque, the frame as the quantiser maps it on its own.
DecodedGif requireComposesExactly(const std::string& path, const std::vector<RgbaImage>& frames,
                                  bool dither) {
    const int w = frames.at(0).width, h = frames.at(0).height;
    {
        GifWriter writer(path, w, h, 10.0, AnimationOptions{.dither = dither});
        for (const RgbaImage& frame : frames) writer.addFrame(frame);
        writer.finish();
    }
    DecodedGif gif = readGif(path);
    REQUIRE(gif.frames.size() == frames.size());
    for (std::size_t k = 0; k < frames.size(); ++k) {
        INFO("frame " << k << (dither ? ", dithered" : ", not dithered"));
        const RgbaImage expected = quantisedFrame(frames[k], dither);
        const RgbaImage& composed = gif.frames[k];
        REQUIRE(composed.width == w);
        REQUIRE(composed.height == h);
        int wrong = 0, notOpaque = 0;
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                if (std::memcmp(composed.at(x, y), expected.at(x, y), 3) != 0) ++wrong;
                if (composed.at(x, y)[3] != 255) ++notOpaque;
            }
        CHECK(wrong == 0);
        CHECK(notOpaque == 0);
        CHECK(gif.blocks[k].disposal == DISPOSE_DO_NOT);
        CHECK(gif.delays[k] == 10);
    }
    return gif;
}

bool sameRect(const GifBlock& b, int left, int top, int width, int height) {
    return b.left == left && b.top == top && b.width == width && b.height == height;
}

/// Colour k of 256 distinct ones.
std::array<std::uint8_t, 3> colourNumber(int k) {
    return {std::uint8_t(k), std::uint8_t(255 - k), std::uint8_t((k * 7) & 255)};
}

/// kW x kH pixels of exactly 256 colours: pixel i has colour (i + shift) mod 256.
RgbaImage allColours(int shift) {
    RgbaImage image(kW, kH);
    for (int i = 0; i < kW * kH; ++i) {
        const auto c = colourNumber((i + shift) % 256);
        image.set(i % kW, i / kW, c[0], c[1], c[2]);
    }
    return image;
}

std::size_t distinctColours(const RgbaImage& image) {
    std::set<std::uint32_t> colours;
    for (std::size_t i = 0; i < image.pixels.size(); i += 4)
        colours.insert(std::uint32_t(image.pixels[i]) << 16 | image.pixels[i + 1] << 8 |
                       image.pixels[i + 2]);
    return colours.size();
}

/// A white page with a grey rule and a heat map inset at (8, 6), 40 x 30, moved by `phase`:
/// many colours, with flat areas that the quantiser keeps exact.
RgbaImage page(double phase) {
    RgbaImage image = flatImage(kW, kH, 255, 255, 255);
    const RgbaImage heat = heatMap(40, 30, phase);
    for (int y = 0; y < 30; ++y)
        for (int x = 0; x < 40; ++x) {
            const std::uint8_t* p = heat.at(x, y);
            image.set(8 + x, 6 + y, p[0], p[1], p[2]);
        }
    for (int x = 2; x < kW - 2; ++x) image.set(x, kH - 5, 90, 90, 90);
    return image;
}

std::string readBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace

TEST_CASE("GIF delta: few-colour frames compose exactly from changed rectangles", "[export][gif]") {
    const auto folder = scratchFolder("gif_delta_few");
    RgbaImage stripes = flatImage(kW, kH, 250, 250, 250);
    for (int y = 0; y < kH; ++y)
        for (int x = 0; x < kW; ++x)
            if ((x / 4) % 3 == 1) stripes.set(x, y, 30, 60, 200);
    RgbaImage onePixel = stripes;
    onePixel.set(17, 9, 255, 0, 0); // a colour the first frame lacks
    RgbaImage other = flatImage(kW, kH, 10, 20, 30);
    other.set(kW - 1, kH - 1, 40, 50, 60);

    const std::vector<RgbaImage> frames = {stripes, stripes, onePixel, stripes, other};
    for (const bool dither : {false, true}) {
        const DecodedGif gif = requireComposesExactly(
            (folder / (dither ? "d.gif" : "p.gif")).string(), frames, dither);
        // The first frame is whole, on the global table.
        CHECK(sameRect(gif.blocks[0], 0, 0, kW, kH));
        CHECK_FALSE(gif.blocks[0].localTable);
        // An identical frame is a transparent 1x1 block that only carries the delay.
        CHECK(sameRect(gif.blocks[1], 0, 0, 1, 1));
        CHECK(gif.blocks[1].transparent == gif.indices[1].at(0));
        CHECK_FALSE(gif.blocks[1].localTable);
        // One changed pixel: a 1x1 block there, with a table for the new colour.
        CHECK(sameRect(gif.blocks[2], 17, 9, 1, 1));
        CHECK(gif.blocks[2].localTable);
        // Changed back to a colour of the first frame: the global table again.
        CHECK(sameRect(gif.blocks[3], 17, 9, 1, 1));
        CHECK_FALSE(gif.blocks[3].localTable);
        // Everything changed (corners included): the whole frame, nothing transparent.
        CHECK(sameRect(gif.blocks[4], 0, 0, kW, kH));
        CHECK(gif.blocks[4].transparent == -1);
    }
}

TEST_CASE("GIF delta: frames of exactly 256 colours keep every colour", "[export][gif]") {
    const auto folder = scratchFolder("gif_delta_256");
    const RgbaImage first = allColours(0);
    REQUIRE(distinctColours(first) == 256);
    const RgbaImage shifted = allColours(1); // every pixel changes, to all 256 colours
    // A 10x10 square of one colour but for its centre pixel, which keeps its old colour: so
    // few unchanged pixels are better stored opaque, with their own colour in the table.
    RgbaImage square = shifted;
    for (int y = 20; y < 30; ++y)
        for (int x = 30; x < 40; ++x) {
            const auto c = colourNumber(5);
            if (x != 35 || y != 25) square.set(x, y, c[0], c[1], c[2]);
        }
    // The outline of a 10x10 square in one colour: one changed colour, so a table entry is
    // free for the 64 unchanged pixels inside, which are stored transparent.
    RgbaImage ring = square;
    for (int y = 30; y < 40; ++y)
        for (int x = 50; x < 60; ++x) {
            const auto c = colourNumber(9);
            if (x == 50 || x == 59 || y == 30 || y == 39) ring.set(x, y, c[0], c[1], c[2]);
        }
    // Every other pixel of the first 8 rows changes, the j-th of them to colour j + offset
    // (mod 256): all 256 colours change, so no table entry is free and the unchanged pixels in
    // the rectangle are stored opaque with their own colours.
    RgbaImage checker;
    for (int offset = 0; offset < 256 && checker.width == 0; ++offset) {
        RgbaImage candidate = ring;
        bool differs = true;
        int j = 0;
        for (int y = 0; y < 8 && differs; ++y)
            for (int x = y % 2; x < kW && differs; x += 2, ++j) {
                const auto c = colourNumber((j + offset) % 256);
                differs = std::memcmp(ring.at(x, y), c.data(), 3) != 0;
                candidate.set(x, y, c[0], c[1], c[2]);
            }
        if (differs) checker = candidate;
    }
    REQUIRE(checker.width == kW);
    REQUIRE(distinctColours(checker) == 256);

    const std::vector<RgbaImage> frames = {first, shifted, square, ring, checker};
    for (const bool dither : {false, true}) {
        const DecodedGif gif = requireComposesExactly(
            (folder / (dither ? "d.gif" : "p.gif")).string(), frames, dither);
        CHECK(gif.paletteSizes[0] == 256);
        CHECK(sameRect(gif.blocks[1], 0, 0, kW, kH));
        CHECK(gif.blocks[1].transparent == -1);
        CHECK(sameRect(gif.blocks[2], 30, 20, 10, 10));
        CHECK(gif.blocks[2].transparent == -1);
        CHECK(sameRect(gif.blocks[3], 50, 30, 10, 10));
        CHECK(gif.blocks[3].transparent >= 0);
        CHECK(sameRect(gif.blocks[4], 0, 0, kW, 8));
        CHECK(gif.blocks[4].transparent == -1);
    }
}

TEST_CASE("GIF delta: many-colour frames compose exactly, dithered or not", "[export][gif]") {
    const auto folder = scratchFolder("gif_delta_many");
    const RgbaImage first = page(0.0);
    REQUIRE(distinctColours(first) > 256); // the median cut, not the exact palette
    RgbaImage onePixel = first;
    onePixel.set(20, 20, 255, 0, 0);
    const RgbaImage moved = page(0.1);
    const RgbaImage everything = heatMap(kW, kH, 0.5);
    const std::vector<RgbaImage> frames = {first, first, onePixel, moved, everything, first};
    for (const bool dither : {false, true}) {
        const std::string path = (folder / (dither ? "d.gif" : "p.gif")).string();
        const DecodedGif gif = requireComposesExactly(path, frames, dither);
        CHECK(sameRect(gif.blocks[1], 0, 0, 1, 1));
        // The page's flat colours keep exact entries, so only the inset changes.
        for (const int k : {2, 3}) {
            INFO("frame " << k);
            const GifBlock& b = gif.blocks[k];
            CHECK(b.left >= 8);
            CHECK(b.top >= 6);
            CHECK(b.left + b.width <= 48);
            CHECK(b.top + b.height <= 36);
        }
        CHECK(sameRect(gif.blocks[4], 0, 0, kW, kH));
        // Deterministic: the same frames give the same bytes.
        const std::string again = (folder / "again.gif").string();
        requireComposesExactly(again, frames, dither);
        CHECK(readBytes(path) == readBytes(again));
    }
}

TEST_CASE("GIF delta: a small moving element costs far less than whole frames", "[export][gif]") {
    const auto folder = scratchFolder("gif_delta_size");
    // A static background of 200 colours (so frames stay exact) with an 8x8 white square
    // moving 4 pixels a frame: each block is the 12x8 union of its old and new places.
    RgbaImage background(160, 120);
    for (int y = 0; y < 120; ++y)
        for (int x = 0; x < 160; ++x) {
            const auto c = colourNumber((x + y) % 200);
            background.set(x, y, c[0], c[1], c[2]);
        }
    std::vector<RgbaImage> frames;
    for (int k = 0; k < 20; ++k) {
        RgbaImage frame = background;
        for (int y = 50; y < 58; ++y)
            for (int x = 4 * k; x < 4 * k + 8; ++x) frame.set(x, y, 255, 255, 255);
        frames.push_back(frame);
    }
    const std::string path = (folder / "dot.gif").string();
    const DecodedGif gif = requireComposesExactly(path, frames, false);
    for (std::size_t k = 1; k < frames.size(); ++k) {
        INFO("frame " << k);
        CHECK(gif.blocks[k].width * gif.blocks[k].height <= 12 * 8);
    }
    // Whole frames would cost about as much as the first each; the blocks stay under 200 bytes.
    const auto bytes = std::filesystem::file_size(path);
    const std::string single = (folder / "single.gif").string();
    requireComposesExactly(single, {frames[0]}, false);
    CHECK(bytes < std::filesystem::file_size(single) + 20 * 200);
}

TEST_CASE("GIF delta: contract", "[export][gif]") {
    CHECK_THROWS_AS(GifFrameDelta(0, 5), std::invalid_argument);
    GifFrameDelta delta(4, 2);
    CHECK(delta.globalTable().empty());
    QuantizedImage q;
    q.palette = {{1, 2, 3}};
    q.indices.assign(7, 0);
    CHECK_THROWS_AS(delta.next(q), std::invalid_argument); // 7 indices for 8 pixels
    q.indices.assign(8, 1);
    CHECK_THROWS_AS(delta.next(q), std::invalid_argument); // index past the palette
    q.indices.assign(8, 0);
    const GifImageBlock& block = delta.next(q);
    CHECK(block.width == 4);
    CHECK(block.height == 2);
    CHECK(block.transparent == -1);
    CHECK(delta.globalTable().size() == 2);
    CHECK(delta.globalTable()[0] == GifColour{1, 2, 3});
}

namespace {

/// A random quantised frame: `colours` palette entries (some repeated), indices drawn from them.
QuantizedImage randomFrame(std::mt19937& rng, int colours) {
    QuantizedImage q;
    for (int i = 0; i < colours; ++i)
        q.palette.push_back(i % 7 == 6 ? q.palette[std::size_t(i) / 2]
                                       : GifColour{std::uint8_t(rng() % 8 * 32),
                                                   std::uint8_t(rng() % 8 * 32),
                                                   std::uint8_t(rng() % 4 * 64)});
    q.indices.resize(std::size_t(kW) * kH);
    for (auto& index : q.indices) index = std::uint8_t(rng() % std::uint32_t(colours));
    return q;
}

/// `q` as the RGBA image a decoder should show.
RgbaImage colours(const QuantizedImage& q) {
    RgbaImage image(kW, kH);
    for (std::size_t i = 0; i < q.indices.size(); ++i) {
        const GifColour& c = q.palette[q.indices[i]];
        image.set(int(i % kW), int(i / kW), c[0], c[1], c[2]);
    }
    return image;
}

} // namespace

TEST_CASE("GIF delta: blocks compose the frames for any coded-size preference", "[export][gif]") {
    // Each step changes the previous frame in one way: nothing, one pixel, a rectangle, a share
    // of scattered pixels (5%, 30%, 70%), or everything with a new palette. Where the coded
    // sizes decide (between 1/8 and 1/2 of the rectangle unchanged), the block follows them.
    struct Preference {
        std::string name;
        GifCodedSize size;
    };
    int measured = 0;
    const std::vector<Preference> preferences = {
        {"none", {}},
        {"opaque smaller",
         [&](const GifImageBlock& b) {
             ++measured;
             return std::size_t(b.transparent >= 0 ? 1000 : 1);
         }},
        {"transparent smaller", [&](const GifImageBlock& b) {
             ++measured;
             return std::size_t(b.transparent >= 0 ? 1 : 1000);
         }}};
    for (const Preference& preference : preferences) {
        INFO("preference: " << preference.name);
        std::mt19937 rng(11);
        GifFrameDelta delta(kW, kH, preference.size);
        RgbaImage canvas(kW, kH);
        for (std::size_t i = 3; i < canvas.pixels.size(); i += 4) canvas.pixels[i] = 0;
        QuantizedImage frame = randomFrame(rng, 256);
        measured = 0;
        for (int step = 0; step < 60; ++step) {
            INFO("step " << step);
            const int kind = step == 0 ? 6 : int(rng() % 7);
            if (kind == 1) {
                frame.indices[rng() % frame.indices.size()] =
                    std::uint8_t(rng() % frame.palette.size());
            } else if (kind == 2) {
                const int x = int(rng() % 40), y = int(rng() % 30);
                for (int yy = y; yy < y + 12; ++yy)
                    for (int xx = x; xx < x + 20; ++xx)
                        frame.indices[std::size_t(yy) * kW + xx] =
                            std::uint8_t(rng() % std::min<std::size_t>(8, frame.palette.size()));
            } else if (kind >= 3 && kind <= 5) {
                const std::uint32_t percent = kind == 3 ? 5 : kind == 4 ? 30 : 70;
                for (auto& index : frame.indices)
                    if (rng() % 100 < percent) index = std::uint8_t(rng() % frame.palette.size());
            } else if (kind == 6) {
                frame = randomFrame(rng, int(1 + rng() % 256));
            }
            const int measuredBefore = measured;
            GifImageBlock& block = delta.next(frame);
            if (measured > measuredBefore)
                CHECK((block.transparent >= 0) == (preference.name == "transparent smaller"));
            REQUIRE(block.table.size() >= 2);
            REQUIRE(block.table.size() <= 256);
            REQUIRE((block.table.size() & (block.table.size() - 1)) == 0);
            CHECK(block.localTable == (step > 0 && block.table != delta.globalTable()));
            std::vector<std::uint8_t> table;
            for (const GifColour& c : block.table) table.insert(table.end(), c.begin(), c.end());
            GifBlock placed;
            placed.left = block.left;
            placed.top = block.top;
            placed.width = block.width;
            placed.height = block.height;
            placed.transparent = block.transparent;
            placed.disposal = DISPOSE_DO_NOT;
            const RgbaImage shown = composeGifFrame(canvas, placed, block.indices, table);
            REQUIRE(compareImages(shown, colours(frame)).maxAbs == 0);
        }
        if (preference.size) CHECK(measured > 0); // the middle band was reached
    }
}
