// GifWriter: read back with giflib; structure, colour fidelity, determinism, exact flat colours.
#include "app/export/gif_writer.hpp"

#include "export_test_support.hpp"
#include "heat_map.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <set>

using namespace dfs;
using namespace dfs::test;

namespace {

std::string readBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::size_t distinctColours(const RgbaImage& image) {
    std::set<std::uint32_t> colours;
    for (std::size_t i = 0; i < image.pixels.size(); i += 4)
        colours.insert(std::uint32_t(image.pixels[i]) << 16 | image.pixels[i + 1] << 8 |
                       image.pixels[i + 2]);
    return colours.size();
}

} // namespace

TEST_CASE("GIF: frame count, size, loop extension and delay read back", "[export][gif]") {
    const auto folder = scratchFolder("gif_structure");
    const std::string path = (folder / "anim.gif").string();
    {
        GifWriter writer(path, 64, 48, 25.0);
        CHECK(writer.delayCentiseconds() == 4);
        for (int i = 0; i < 3; ++i) writer.addFrame(heatMap(64, 48, 0.1 * i));
        CHECK(writer.frames() == 3);
        CHECK_FALSE(std::filesystem::exists(path)); // only at finish()
        writer.finish();
        CHECK(writer.frames() == 3);
    }
    CHECK(entriesOf(folder) == std::vector<std::string>{"anim.gif"});
    const DecodedGif gif = readGif(path);
    CHECK(gif.width == 64);
    CHECK(gif.height == 48);
    CHECK(gif.frames.size() == 3);
    CHECK(gif.loopsForever);
    CHECK(gif.delays == std::vector<int>{4, 4, 4});
}

TEST_CASE("GIF: frame delay is round(100 / fps), at least 2 centiseconds", "[export][gif]") {
    const auto folder = scratchFolder("gif_delay");
    const std::string path = (folder / "d.gif").string();
    CHECK(GifWriter(path, 16, 16, 10.0).delayCentiseconds() == 10);
    CHECK(GifWriter(path, 16, 16, 30.0).delayCentiseconds() == 3);
    CHECK(GifWriter(path, 16, 16, 60.0).delayCentiseconds() == 2);
    CHECK(GifWriter(path, 16, 16, 120.0).delayCentiseconds() == 2);
    CHECK(GifWriter(path, 16, 16, 0.5).delayCentiseconds() == 200);
    CHECK(entriesOf(folder).empty());
}

TEST_CASE("GIF: a smooth heat map is reproduced without banding (dithered)", "[export][gif]") {
    const auto folder = scratchFolder("gif_heatmap");
    const std::string path = (folder / "heat.gif").string();
    const RgbaImage input = heatMap(320, 240);
    REQUIRE(distinctColours(input) > 256); // the adaptive palette has real work to do
    {
        GifWriter writer(path, 320, 240, 12.0);
        writer.addFrame(input);
        writer.finish();
    }
    const DecodedGif gif = readGif(path);
    REQUIRE(gif.frames.size() == 1);
    const ImageError error = compareImages(input, gif.frames[0]);
    INFO("mean abs error " << error.meanAbs << ", max " << error.maxAbs);
    CHECK(error.meanAbs < 3.0);
    CHECK(error.maxAbs < 24);
    // Averaged over 8x8 tiles the dither noise cancels: no band edges left. (The outermost
    // rows and columns are the colour extremes, which box means sit a little inside of.)
    const double blockError = maxBlockMeanError(input, gif.frames[0], 8, 16);
    INFO("max 8x8 block-mean error " << blockError);
    CHECK(blockError < 2.5);
    CHECK(gif.paletteSizes[0] == 256);
}

TEST_CASE("GIF: without dithering a heat map is close but banded", "[export][gif]") {
    const auto folder = scratchFolder("gif_nodither");
    const std::string path = (folder / "heat.gif").string();
    const RgbaImage input = heatMap(320, 240, 0.3);
    {
        GifWriter writer(path, 320, 240, 12.0, AnimationOptions{.dither = false});
        writer.addFrame(input);
        writer.finish();
    }
    const DecodedGif gif = readGif(path);
    const ImageError error = compareImages(input, gif.frames.at(0));
    INFO("mean abs error " << error.meanAbs << ", max " << error.maxAbs);
    CHECK(error.meanAbs < 3.0);
    CHECK(error.maxAbs < 24);
    // The banding that dithering removes (checks that the dithered test measures something).
    CHECK(maxBlockMeanError(input, gif.frames[0], 8, 16) > 3.0);
}

TEST_CASE("GIF: without dithering identical frames encode identically", "[export][gif]") {
    const auto folder = scratchFolder("gif_deterministic");
    const RgbaImage input = heatMap(96, 64, 0.7);
    const AnimationOptions plain{.dither = false};
    for (const std::string name : {"a.gif", "b.gif"}) {
        GifWriter writer((folder / name).string(), 96, 64, 10.0, plain);
        writer.addFrame(input);
        writer.addFrame(input);
        writer.finish();
    }
    const DecodedGif gif = readGif((folder / "a.gif").string());
    REQUIRE(gif.frames.size() == 2);
    CHECK(compareImages(gif.frames[0], gif.frames[1]).maxAbs == 0);
    CHECK(readBytes((folder / "a.gif").string()) == readBytes((folder / "b.gif").string()));
}

TEST_CASE("GIF: flat and few-colour images are reproduced exactly", "[export][gif]") {
    const auto folder = scratchFolder("gif_exact");
    // Colours chosen to share 5-5-5 histogram cells: an exact palette must keep them apart.
    RgbaImage stripes = flatImage(40, 30, 200, 201, 202);
    for (int y = 0; y < 30; ++y)
        for (int x = 0; x < 40; ++x)
            if ((x / 5) % 2) stripes.set(x, y, 201, 202, 203);
    stripes.set(3, 3, 0, 0, 0);
    for (const bool dither : {true, false}) {
        const std::string path = (folder / (dither ? "d.gif" : "p.gif")).string();
        const RgbaImage flat = flatImage(40, 30, 17, 99, 230);
        {
            GifWriter writer(path, 40, 30, 5.0, AnimationOptions{.dither = dither});
            writer.addFrame(flat);
            writer.addFrame(stripes);
            writer.finish();
        }
        const DecodedGif gif = readGif(path);
        REQUIRE(gif.frames.size() == 2);
        CHECK(compareImages(flat, gif.frames[0]).maxAbs == 0);
        CHECK(compareImages(stripes, gif.frames[1]).maxAbs == 0);
        CHECK(gif.paletteSizes[0] == 2); // padded to the smallest power of two
    }
}

TEST_CASE("GIF: flat areas in a many-colour frame keep their exact colour", "[export][gif]") {
    const auto folder = scratchFolder("gif_flat_areas");
    const std::string path = (folder / "plot.gif").string();
    // A heat map inset on a white page with a grey frame line and a near-white label box: the
    // flat colours must come back exact (no dither noise), the heat map close.
    RgbaImage page = flatImage(200, 160, 255, 255, 255);
    const RgbaImage heat = heatMap(160, 120, 0.2);
    for (int y = 0; y < 120; ++y)
        for (int x = 0; x < 160; ++x) {
            const std::uint8_t* p = heat.at(x, y);
            page.set(20 + x, 20 + y, p[0], p[1], p[2]);
        }
    for (int x = 10; x < 190; ++x) page.set(x, 150, 90, 90, 90);
    for (int y = 142; y < 158; ++y)
        for (int x = 150; x < 190; ++x) page.set(x, y, 250, 251, 252);
    for (const bool dither : {true, false}) {
        INFO("dither " << dither);
        {
            GifWriter writer(path, 200, 160, 10.0, AnimationOptions{.dither = dither});
            writer.addFrame(page);
            writer.finish();
        }
        const DecodedGif gif = readGif(path);
        const RgbaImage& out = gif.frames.at(0);
        int wrong = 0;
        for (int y = 0; y < 160; ++y)
            for (int x = 0; x < 200; ++x) {
                const bool inHeat = x >= 20 && x < 180 && y >= 20 && y < 140;
                if (!inHeat && std::memcmp(page.at(x, y), out.at(x, y), 3) != 0) ++wrong;
            }
        CHECK(wrong == 0);
        CHECK(compareImages(page, out).meanAbs < 3.0);
    }
}

TEST_CASE("GIF: noise with many colours stays bounded", "[export][gif]") {
    const auto folder = scratchFolder("gif_noise");
    const std::string path = (folder / "noise.gif").string();
    RgbaImage noise(64, 64);
    std::mt19937 rng(7);
    for (std::size_t i = 0; i < noise.pixels.size(); ++i)
        noise.pixels[i] = (i % 4 == 3) ? 255 : std::uint8_t(rng() & 0xff);
    for (const bool dither : {true, false}) {
        {
            GifWriter writer(path, 64, 64, 10.0, AnimationOptions{.dither = dither});
            writer.addFrame(noise);
            writer.finish();
        }
        const DecodedGif gif = readGif(path);
        const ImageError error = compareImages(noise, gif.frames.at(0));
        INFO("dither " << dither << ": mean abs error " << error.meanAbs);
        CHECK(error.meanAbs < 20.0);
        // Noise averages to grey: block means must survive.
        CHECK(maxBlockMeanError(noise, gif.frames[0], 16) < (dither ? 3.0 : 8.0));
    }
}
