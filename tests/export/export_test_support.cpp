// Decoders (with GIF frame composition) and comparisons for the export tests.
#include "export_test_support.hpp"

#include "app/export/av_handles.hpp"
#include "app/export/colour_quantizer.hpp"

#include <gif_lib.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace dfs::test {

namespace fs = std::filesystem;

fs::path scratchFolder(const std::string& name) {
    const fs::path folder = fs::path(DIFFUSCOPE_TEST_TMP) / name;
    fs::remove_all(folder);
    fs::create_directories(folder);
    return folder;
}

std::vector<std::string> entriesOf(const fs::path& folder) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(folder))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

namespace {

bool isLoopForever(const ExtensionBlock* blocks, int count) {
    for (int i = 0; i + 1 < count; ++i) {
        const ExtensionBlock& app = blocks[i];
        const ExtensionBlock& data = blocks[i + 1];
        if (app.Function == APPLICATION_EXT_FUNC_CODE && app.ByteCount == 11 &&
            std::memcmp(app.Bytes, "NETSCAPE2.0", 11) == 0 &&
            data.Function == CONTINUE_EXT_FUNC_CODE && data.ByteCount == 3 && data.Bytes[0] == 1 &&
            data.Bytes[1] == 0 && data.Bytes[2] == 0)
            return true;
    }
    return false;
}

struct GifClose {
    void operator()(GifFileType* gif) const {
        int error = 0;
        DGifCloseFile(gif, &error);
    }
};

} // namespace

DecodedGif readGif(const std::string& path) {
    int error = 0;
    std::unique_ptr<GifFileType, GifClose> gif(DGifOpenFileName(path.c_str(), &error));
    INFO("giflib: " << (GifErrorString(error) ? GifErrorString(error) : "?"));
    REQUIRE(gif != nullptr);
    REQUIRE(DGifSlurp(gif.get()) == GIF_OK);

    DecodedGif out;
    out.width = gif->SWidth;
    out.height = gif->SHeight;
    if (gif->ImageCount > 0)
        out.loopsForever = isLoopForever(gif->SavedImages[0].ExtensionBlocks,
                                         gif->SavedImages[0].ExtensionBlockCount);
    RgbaImage canvas(out.width, out.height);
    for (std::size_t i = 3; i < canvas.pixels.size(); i += 4) canvas.pixels[i] = 0;
    for (int i = 0; i < gif->ImageCount; ++i) {
        const SavedImage& image = gif->SavedImages[i];
        const GifImageDesc& desc = image.ImageDesc;
        const ColorMapObject* map = desc.ColorMap ? desc.ColorMap : gif->SColorMap;
        REQUIRE(map != nullptr);
        GraphicsControlBlock gcb{};
        gcb.TransparentColor = NO_TRANSPARENT_COLOR;
        const bool hasGcb = DGifSavedExtensionToGCB(gif.get(), i, &gcb) == GIF_OK;
        out.delays.push_back(hasGcb ? gcb.DelayTime : -1);
        out.paletteSizes.push_back(map->ColorCount);
        GifBlock block;
        block.left = desc.Left;
        block.top = desc.Top;
        block.width = desc.Width;
        block.height = desc.Height;
        block.transparent = gcb.TransparentColor;
        block.disposal = hasGcb ? gcb.DisposalMode : DISPOSAL_UNSPECIFIED;
        block.localTable = desc.ColorMap != nullptr;
        REQUIRE(block.left + block.width <= out.width);
        REQUIRE(block.top + block.height <= out.height);
        std::vector<std::uint8_t> palette;
        for (int c = 0; c < map->ColorCount; ++c) {
            palette.push_back(map->Colors[c].Red);
            palette.push_back(map->Colors[c].Green);
            palette.push_back(map->Colors[c].Blue);
        }
        std::vector<std::uint8_t> indices(image.RasterBits,
                                          image.RasterBits + std::size_t(desc.Width) * desc.Height);
        out.frames.push_back(composeGifFrame(canvas, block, indices, palette));
        out.blocks.push_back(block);
        out.indices.push_back(std::move(indices));
        out.palettes.push_back(std::move(palette));
    }
    return out;
}

RgbaImage composeGifFrame(RgbaImage& canvas, const GifBlock& block,
                          const std::vector<std::uint8_t>& indices,
                          const std::vector<std::uint8_t>& table) {
    REQUIRE(indices.size() == std::size_t(block.width) * std::size_t(block.height));
    const RgbaImage before = canvas;
    bool inTable = true;
    for (int y = 0; y < block.height; ++y)
        for (int x = 0; x < block.width; ++x) {
            const int index = indices[std::size_t(y) * block.width + x];
            inTable = inTable && 3 * std::size_t(index) < table.size();
            if (index == block.transparent || !inTable) continue;
            canvas.set(block.left + x, block.top + y, table[3 * index], table[3 * index + 1],
                       table[3 * index + 2]);
        }
    REQUIRE(inTable);
    RgbaImage shown = canvas;
    if (block.disposal == DISPOSE_BACKGROUND) {
        for (int y = block.top; y < block.top + block.height; ++y)
            for (int x = block.left; x < block.left + block.width; ++x)
                canvas.set(x, y, 0, 0, 0, 0);
    } else if (block.disposal == DISPOSE_PREVIOUS) {
        canvas = before;
    }
    return shown;
}

RgbaImage quantisedFrame(const RgbaImage& frame, bool dither) {
    const QuantizedImage q = ColourQuantizer().quantize(frame, dither);
    RgbaImage out(frame.width, frame.height);
    for (std::size_t i = 0; i < q.indices.size(); ++i) {
        const auto& c = q.palette[q.indices[i]];
        std::copy(c.begin(), c.end(), out.pixels.begin() + std::ptrdiff_t(4 * i));
    }
    return out;
}

namespace {

RgbaImage toRgba(const AVFrame& frame) {
    av::Sws sws(sws_getContext(frame.width, frame.height, AVPixelFormat(frame.format), frame.width,
                               frame.height, AV_PIX_FMT_RGBA,
                               SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, nullptr,
                               nullptr, nullptr));
    REQUIRE(sws != nullptr);
    const int space = frame.colorspace == AVCOL_SPC_BT709 ? SWS_CS_ITU709 : SWS_CS_ITU601;
    const int* coefficients = sws_getCoefficients(space);
    sws_setColorspaceDetails(sws.get(), coefficients, frame.color_range == AVCOL_RANGE_JPEG,
                             coefficients, 1, 0, 1 << 16, 1 << 16);
    RgbaImage image(frame.width, frame.height);
    std::uint8_t* dst[1] = {image.pixels.data()};
    const int dstStride[1] = {int(image.stride())};
    REQUIRE(sws_scale(sws.get(), frame.data, frame.linesize, 0, frame.height, dst, dstStride) > 0);
    return image;
}

} // namespace

DecodedVideo readVideo(const std::string& path) {
    AVFormatContext* raw = nullptr;
    REQUIRE(avformat_open_input(&raw, path.c_str(), nullptr, nullptr) == 0);
    av::Input input(raw);
    REQUIRE(avformat_find_stream_info(input.get(), nullptr) >= 0);
    const AVCodec* decoder = nullptr;
    const int streamIndex =
        av_find_best_stream(input.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0);
    REQUIRE(streamIndex >= 0);
    REQUIRE(decoder != nullptr);
    const AVStream* stream = input->streams[streamIndex];

    av::CodecContext codec(avcodec_alloc_context3(decoder));
    REQUIRE(avcodec_parameters_to_context(codec.get(), stream->codecpar) >= 0);
    REQUIRE(avcodec_open2(codec.get(), decoder, nullptr) == 0);

    DecodedVideo out;
    out.width = stream->codecpar->width;
    out.height = stream->codecpar->height;
    out.codec = decoder->name;
    out.frameRate = av_q2d(stream->avg_frame_rate);

    av::Packet packet(av_packet_alloc());
    av::Frame frame(av_frame_alloc());
    auto drain = [&] {
        for (;;) {
            const int got = avcodec_receive_frame(codec.get(), frame.get());
            if (got == AVERROR(EAGAIN) || got == AVERROR_EOF) return;
            REQUIRE(got == 0);
            out.frames.push_back(toRgba(*frame));
            av_frame_unref(frame.get());
        }
    };
    while (av_read_frame(input.get(), packet.get()) >= 0) {
        if (packet->stream_index == streamIndex) {
            REQUIRE(avcodec_send_packet(codec.get(), packet.get()) == 0);
            drain();
        }
        av_packet_unref(packet.get());
    }
    REQUIRE(avcodec_send_packet(codec.get(), nullptr) == 0);
    drain();
    return out;
}

ImageError compareImages(const RgbaImage& a, const RgbaImage& b) {
    REQUIRE(a.width == b.width);
    REQUIRE(a.height == b.height);
    ImageError error;
    double total = 0;
    for (std::size_t i = 0; i < a.pixels.size(); i += 4)
        for (int c = 0; c < 3; ++c) {
            const int d = std::abs(int(a.pixels[i + c]) - int(b.pixels[i + c]));
            total += d;
            error.maxAbs = std::max(error.maxAbs, d);
        }
    error.meanAbs = total / (3.0 * double(a.width) * double(a.height));
    return error;
}

double maxBlockMeanError(const RgbaImage& a, const RgbaImage& b, int block, int margin) {
    REQUIRE(a.width == b.width);
    REQUIRE(a.height == b.height);
    double worst = 0;
    for (int by = margin; by + block <= a.height - margin; by += block)
        for (int bx = margin; bx + block <= a.width - margin; bx += block)
            for (int c = 0; c < 3; ++c) {
                double sum = 0;
                for (int y = by; y < by + block; ++y)
                    for (int x = bx; x < bx + block; ++x)
                        sum += double(a.at(x, y)[c]) - double(b.at(x, y)[c]);
                worst = std::max(worst, std::abs(sum) / (block * block));
            }
    return worst;
}

std::array<double, 3> meanColour(const RgbaImage& image) {
    std::array<double, 3> sum{0, 0, 0};
    for (std::size_t i = 0; i < image.pixels.size(); i += 4)
        for (int c = 0; c < 3; ++c) sum[c] += image.pixels[i + c];
    const double n = double(image.width) * double(image.height);
    return {sum[0] / n, sum[1] / n, sum[2] / n};
}

} // namespace dfs::test
