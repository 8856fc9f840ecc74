// Mp4Writer: read back with libavformat/libavcodec; frame count, size, rate and colours.
#include "app/export/mp4_writer.hpp"

#include "core/errors.hpp"
#include "export_test_support.hpp"
#include "heat_map.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace dfs;
using namespace dfs::test;

TEST_CASE("MP4: frame count, size, rate and colours read back", "[export][mp4]") {
    const auto folder = scratchFolder("mp4_heatmap");
    const std::string path = (folder / "anim.mp4").string();
    constexpr int kFrames = 30, kWidth = 160, kHeight = 96;
    std::vector<RgbaImage> inputs;
    for (int i = 0; i < kFrames; ++i) inputs.push_back(heatMap(kWidth, kHeight, 0.02 * i));
    {
        Mp4Writer writer(path, kWidth, kHeight, 25.0);
        CHECK(writer.encoderName() == "libx264");
        for (const RgbaImage& frame : inputs) writer.addFrame(frame);
        CHECK(writer.frames() == kFrames);
        CHECK_FALSE(std::filesystem::exists(path));
        writer.finish();
    }
    CHECK(entriesOf(folder) == std::vector<std::string>{"anim.mp4"});
    const DecodedVideo video = readVideo(path);
    CHECK(video.codec == "h264");
    CHECK(video.width == kWidth);
    CHECK(video.height == kHeight);
    CHECK(video.frameRate == Approx(25.0).epsilon(0.01));
    REQUIRE(video.frames.size() == std::size_t(kFrames));
    for (int i : {0, kFrames / 2, kFrames - 1}) {
        const auto want = meanColour(inputs[i]);
        const auto got = meanColour(video.frames[i]);
        INFO("frame " << i);
        for (int c = 0; c < 3; ++c) CHECK(got[c] == Approx(want[c]).margin(2.5));
        const ImageError error = compareImages(inputs[i], video.frames[i]);
        INFO("mean abs error " << error.meanAbs);
        CHECK(error.meanAbs < 4.0);
    }
}

TEST_CASE("MP4: a flat colour comes back as that colour", "[export][mp4]") {
    const auto folder = scratchFolder("mp4_flat");
    const std::string path = (folder / "flat.mp4").string();
    const RgbaImage flat = flatImage(64, 32, 200, 60, 30);
    {
        Mp4Writer writer(path, 64, 32, 12.5);
        for (int i = 0; i < 5; ++i) writer.addFrame(flat);
        writer.finish();
    }
    const DecodedVideo video = readVideo(path);
    REQUIRE(video.frames.size() == 5);
    CHECK(video.frameRate == Approx(12.5).epsilon(0.01));
    const auto got = meanColour(video.frames.back());
    CHECK(got[0] == Approx(200).margin(3));
    CHECK(got[1] == Approx(60).margin(3));
    CHECK(got[2] == Approx(30).margin(3));
}

TEST_CASE("MP4: odd sizes and bad crf are refused", "[export][mp4]") {
    const auto folder = scratchFolder("mp4_refused");
    const std::string path = (folder / "x.mp4").string();
    requireThrows<UsageError>([&] { Mp4Writer(path, 101, 64, 10.0); }, {"even", "101x64"});
    requireThrows<UsageError>([&] { Mp4Writer(path, 64, 63, 10.0); }, {"even", "64x63"});
    requireThrows<UsageError>([&] { Mp4Writer(path, 64, 64, 10.0, AnimationOptions{.crf = 60}); },
                              {"crf", "60"});
    CHECK(entriesOf(folder).empty());
}

TEST_CASE("MP4: temporaries of killed runs are removed by the next write", "[export][mp4]") {
    const auto folder = scratchFolder("mp4_stale");
    const std::string path = (folder / "anim.mp4").string();
    const std::string dead = path + ".tmp-999999999-0badf00d"; // above any pid_max
    std::ofstream(dead) << "half a video";
    {
        Mp4Writer writer(path, 64, 64, 10.0);
        writer.addFrame(heatMap(64, 64, 0.0));
        writer.finish();
    }
    CHECK(entriesOf(folder) == std::vector<std::string>{"anim.mp4"});
}
