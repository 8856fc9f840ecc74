// ColourQuantizer on its own (no GIF stream): palette bound, valid indices, exact mapping of
// few-colour images, determinism, contract on malformed images.
#include "app/export/colour_quantizer.hpp"

#include "heat_map.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using namespace dfs;
using namespace dfs::test;

namespace {

std::uint32_t rgbOf(const std::uint8_t* p) {
    return std::uint32_t(p[0]) << 16 | std::uint32_t(p[1]) << 8 | p[2];
}

std::size_t distinctColours(const RgbaImage& image) {
    std::set<std::uint32_t> colours;
    for (std::size_t i = 0; i < image.pixels.size(); i += 4)
        colours.insert(rgbOf(&image.pixels[i]));
    return colours.size();
}

/// Uniform random RGB noise: nearly every pixel its own colour.
RgbaImage noiseImage(int width, int height, unsigned seed) {
    RgbaImage image(width, height);
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> channel(0, 255);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            image.set(x, y, std::uint8_t(channel(rng)), std::uint8_t(channel(rng)),
                      std::uint8_t(channel(rng)));
    return image;
}

/// Pixels drawn at random from `colours` distinct colours, the first `colours` pixels holding
/// them in order (so all appear, first appearance = colour number). Neighbouring colours differ
/// by one step in each channel, so many share a 5-5-5 histogram cell.
RgbaImage fewColourImage(int width, int height, int colours, unsigned seed) {
    REQUIRE(colours <= width * height);
    REQUIRE(colours <= 512);
    auto colourOf = [](int k) {
        return std::array<std::uint8_t, 3>{std::uint8_t(k & 255), std::uint8_t(255 - (k & 255)),
                                           std::uint8_t(40 + 100 * (k >> 8))};
    };
    RgbaImage image(width, height);
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> pick(0, colours - 1);
    for (int i = 0; i < width * height; ++i) {
        const auto c = colourOf(i < colours ? i : pick(rng));
        image.set(i % width, i / width, c[0], c[1], c[2]);
    }
    return image;
}

/// Requires the basic shape of a result: one index per pixel, 1..256 entries, indices in range.
void requireWellFormed(const RgbaImage& image, const QuantizedImage& q) {
    REQUIRE(q.indices.size() == std::size_t(image.width) * std::size_t(image.height));
    REQUIRE(!q.palette.empty());
    REQUIRE(q.palette.size() <= std::size_t(kMaxQuantizedColours));
    std::uint8_t largest = 0;
    for (const std::uint8_t index : q.indices) largest = std::max(largest, index);
    CHECK(std::size_t(largest) < q.palette.size());
}

} // namespace

TEST_CASE("Quantizer: at most 256 colours, every index inside the palette", "[export][quantizer]") {
    struct Case {
        std::string name;
        RgbaImage image;
    };
    const std::vector<Case> cases = {{"heat map", heatMap(320, 240, 0.2)},
                                     {"noise", noiseImage(123, 77, 1)},
                                     {"noise, one row", noiseImage(1000, 1, 2)},
                                     {"257 colours", fewColourImage(40, 30, 257, 3)}};
    ColourQuantizer quantizer;
    for (const Case& c : cases)
        for (const bool dither : {false, true}) {
            INFO(c.name << (dither ? ", dithered" : ", not dithered"));
            REQUIRE(distinctColours(c.image) > 256);
            const QuantizedImage q = quantizer.quantize(c.image, dither);
            requireWellFormed(c.image, q);
        }
}

TEST_CASE("Quantizer: an image with at most 256 colours is mapped exactly", "[export][quantizer]") {
    ColourQuantizer quantizer;
    for (const int colours : {1, 2, 3, 100, 255, 256})
        for (const bool dither : {false, true}) {
            INFO(colours << " colours" << (dither ? ", dithered" : ", not dithered"));
            const RgbaImage image = fewColourImage(37, 29, colours, unsigned(colours));
            REQUIRE(distinctColours(image) == std::size_t(colours));
            const QuantizedImage q = quantizer.quantize(image, dither);
            requireWellFormed(image, q);
            REQUIRE(q.palette.size() == std::size_t(colours));
            // The palette is the image's colours in order of first appearance ...
            for (int k = 0; k < colours; ++k) {
                const std::uint8_t* p = image.at(k % image.width, k / image.width);
                CHECK(q.palette[k] == std::array<std::uint8_t, 3>{p[0], p[1], p[2]});
            }
            // ... and every pixel maps to its own colour.
            std::size_t mismatches = 0;
            for (std::size_t i = 0; i < q.indices.size(); ++i) {
                const auto& c = q.palette[q.indices[i]];
                const std::uint8_t* p = &image.pixels[4 * i];
                if (c[0] != p[0] || c[1] != p[1] || c[2] != p[2]) ++mismatches;
            }
            CHECK(mismatches == 0);
        }
}

TEST_CASE("Quantizer: alpha is ignored", "[export][quantizer]") {
    RgbaImage image = fewColourImage(20, 20, 50, 7);
    RgbaImage translucent = image;
    for (std::size_t i = 3; i < translucent.pixels.size(); i += 4)
        translucent.pixels[i] = std::uint8_t(i % 256);
    ColourQuantizer quantizer;
    const QuantizedImage a = quantizer.quantize(image, false);
    const QuantizedImage b = quantizer.quantize(translucent, false);
    CHECK(a.palette == b.palette);
    CHECK(a.indices == b.indices);
}

TEST_CASE("Quantizer: undithered output depends only on the image", "[export][quantizer]") {
    const RgbaImage image = heatMap(200, 150, 0.6);
    const RgbaImage other = noiseImage(64, 300, 9); // another size and content in between
    ColourQuantizer quantizer;
    const QuantizedImage first = quantizer.quantize(image, false);
    (void)quantizer.quantize(other, false);
    (void)quantizer.quantize(other, true);
    QuantizedImage reused = quantizer.quantize(other, false); // storage of another size
    quantizer.quantize(image, false, reused);
    const QuantizedImage fresh = ColourQuantizer().quantize(image, false);
    requireWellFormed(image, first);
    CHECK(first.palette == reused.palette);
    CHECK(first.indices == reused.indices);
    CHECK(first.palette == fresh.palette);
    CHECK(first.indices == fresh.indices);
}

TEST_CASE("Quantizer: a colour filling a large area keeps its exact entry", "[export][quantizer]") {
    // A heat map with a flat band: the band's colour is dominant, so it gets its own entry and
    // every band pixel maps to it, dithered or not.
    RgbaImage image = heatMap(160, 120, 0.1);
    for (int y = 40; y < 60; ++y)
        for (int x = 0; x < 160; ++x) image.set(x, y, 12, 34, 56);
    ColourQuantizer quantizer;
    for (const bool dither : {false, true}) {
        INFO((dither ? "dithered" : "not dithered"));
        const QuantizedImage q = quantizer.quantize(image, dither);
        requireWellFormed(image, q);
        for (int y = 40; y < 60; ++y)
            for (int x = 0; x < 160; ++x) {
                const auto& c = q.palette[q.indices[std::size_t(y) * 160 + std::size_t(x)]];
                REQUIRE(c == std::array<std::uint8_t, 3>{12, 34, 56});
            }
    }
}

TEST_CASE("Quantizer: empty and malformed images", "[export][quantizer]") {
    ColourQuantizer quantizer;
    const QuantizedImage empty = quantizer.quantize(RgbaImage(0, 0), true);
    CHECK(empty.palette.empty());
    CHECK(empty.indices.empty());

    RgbaImage broken(8, 8);
    broken.pixels.pop_back();
    CHECK_THROWS_AS(quantizer.quantize(broken, false), std::invalid_argument);
    // Still usable afterwards.
    const RgbaImage flat = flatImage(8, 8, 1, 2, 3);
    const QuantizedImage q = quantizer.quantize(flat, false);
    REQUIRE(q.palette.size() == 1);
    CHECK(q.palette[0] == std::array<std::uint8_t, 3>{1, 2, 3});
    CHECK(q.indices == std::vector<std::uint8_t>(64, 0));
}
