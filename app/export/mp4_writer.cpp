// Mp4Writer: RGBA -> yuv420p (swscale) -> H.264 (libavcodec) -> MP4 (libavformat), into a
// temporary file that is renamed over the target once the trailer is written.
#include "app/export/mp4_writer.hpp"

#include "app/export/av_handles.hpp"
#include "core/errors.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/temp_file_registry.hpp"

#include <fmt/format.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <mutex>
#include <random>
#include <stdexcept>
#include <system_error>

namespace dfs {

namespace fs = std::filesystem;

namespace {

std::string avErrorText(int err) {
    char text[AV_ERROR_MAX_STRING_SIZE] = {};
    if (av_strerror(err, text, sizeof text) < 0) return fmt::format("libav error {}", err);
    return text;
}

[[noreturn]] void writeFailed(const std::string& path, const std::string& reason) {
    throw DataError(fmt::format("cannot write {}: {}", path, reason));
}

std::string systemReason(int err) {
    return std::error_code(err, std::system_category()).message();
}

/// Creates an empty, new temporary file beside `path` (mode 0666 less the umask, or the
/// permissions of the file it will replace) and returns its name.
std::string createTemporaryFile(const std::string& path) {
    if (path.empty()) writeFailed(path, "empty file name");
    const fs::path parent = fs::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !fs::is_directory(parent, ec))
        writeFailed(path, fmt::format("folder '{}' does not exist", parent.string()));
    if (fs::is_directory(path, ec)) writeFailed(path, "it is a folder");
    removeStaleTemporaries(path);
    static std::atomic<std::uint32_t> counter{0};
    std::random_device device;
    for (int attempt = 0; attempt < 16; ++attempt) {
        const std::uint32_t suffix = device() ^ (counter.fetch_add(1) * 0x9e3779b9u);
        std::string name = fmt::format("{}.tmp-{}-{:08x}", path, ::getpid(), suffix);
        const int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0) {
            if (errno == EEXIST) continue;
            writeFailed(path, systemReason(errno));
        }
        struct stat old {};
        if (::stat(path.c_str(), &old) == 0) ::fchmod(fd, old.st_mode & 07777);
        ::close(fd);
        return name;
    }
    writeFailed(path, "no free temporary file name");
}

struct DictionaryFree {
    void operator()(AVDictionary* d) const { av_dict_free(&d); }
};

void quietenLibav() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (av_log_get_level() > AV_LOG_ERROR) av_log_set_level(AV_LOG_ERROR);
    });
}

} // namespace

struct Mp4Writer::Impl {
    enum class State { Open, Finished, Failed };

    Impl(std::string target, int w, int h) : path(std::move(target)), width(w), height(h) {}

    ~Impl() {
        // Contexts first (closing the file), then the file itself.
        sws.reset();
        frame.reset();
        packet.reset();
        codec.reset();
        format.reset();
        if (!committed && !temporary.empty()) {
            std::error_code ignored;
            fs::remove(temporary, ignored);
        }
        unregisterTempFile(slot);
    }

    /// Throws DataError naming the file, the step and libav's reason; the writer is spent.
    [[noreturn]] void fail(const char* what, int err) {
        state = State::Failed;
        writeFailed(path, fmt::format("{} failed ({})", what, avErrorText(err)));
    }
    void check(int result, const char* what) {
        if (result < 0) fail(what, result);
    }

    void open(double fps, int crf) {
        quietenLibav();
        temporary = createTemporaryFile(path);
        std::error_code ec;
        const fs::path absolute = fs::absolute(temporary, ec);
        slot = registerTempFile(ec ? temporary : absolute.string()); // removed on SIGINT/SIGTERM
        // "file:" keeps a ':' in the name from being read as a protocol.
        const std::string url = "file:" + temporary;

        AVFormatContext* rawFormat = nullptr;
        check(avformat_alloc_output_context2(&rawFormat, nullptr, "mp4", url.c_str()),
              "opening the MP4 muxer");
        format.reset(rawFormat);

        const AVCodec* encoder = avcodec_find_encoder(AV_CODEC_ID_H264);
        const bool h264 = encoder != nullptr;
        if (!encoder) encoder = avcodec_find_encoder(AV_CODEC_ID_MPEG4);
        if (!encoder) writeFailed(path, "libavcodec has neither an H.264 nor an MPEG-4 encoder");

        stream = avformat_new_stream(format.get(), nullptr);
        if (!stream) fail("creating the video stream", AVERROR(ENOMEM));
        codec.reset(avcodec_alloc_context3(encoder));
        if (!codec) fail("allocating the encoder", AVERROR(ENOMEM));

        // MPEG-4 Part 2 allows time-base denominators up to 65535 only.
        const AVRational rate = av_d2q(fps, h264 ? 1000000 : 65535);
        AVCodecContext& c = *codec;
        c.width = width;
        c.height = height;
        c.pix_fmt = AV_PIX_FMT_YUV420P;
        c.framerate = rate;
        c.time_base = av_inv_q(rate);
        c.sample_aspect_ratio = AVRational{1, 1};
        c.color_range = AVCOL_RANGE_MPEG;
        c.colorspace = AVCOL_SPC_BT709;
        c.color_primaries = AVCOL_PRI_BT709;
        c.color_trc = AVCOL_TRC_BT709;
        c.thread_count = 0; // the encoder's own choice
        if (h264) {
            // Options of libx264; another H.264 encoder may lack them, which is harmless.
            av_opt_set(c.priv_data, "preset", "medium", 0);
            av_opt_set(c.priv_data, "crf", std::to_string(crf).c_str(), 0);
        } else {
            c.flags |= AV_CODEC_FLAG_QSCALE;
            c.global_quality = FF_QP2LAMBDA * std::clamp(1 + crf / 6, 2, 31);
            c.gop_size = std::max(1, int(std::lround(fps * 2)));
        }
        if (format->oformat->flags & AVFMT_GLOBALHEADER) c.flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
        check(avcodec_open2(&c, encoder, nullptr), "opening the video encoder");
        encoderName = encoder->name;

        check(avcodec_parameters_from_context(stream->codecpar, &c), "setting up the stream");
        stream->time_base = c.time_base;
        stream->avg_frame_rate = rate;

        check(avio_open(&format->pb, url.c_str(), AVIO_FLAG_WRITE), "opening the file");
        AVDictionary* rawOptions = nullptr;
        av_dict_set(&rawOptions, "movflags", "+faststart", 0);
        const int written = avformat_write_header(format.get(), &rawOptions);
        std::unique_ptr<AVDictionary, DictionaryFree> options(rawOptions);
        check(written, "writing the MP4 header");

        frame.reset(av_frame_alloc());
        packet.reset(av_packet_alloc());
        if (!frame || !packet) fail("allocating a frame", AVERROR(ENOMEM));
        frame->format = AV_PIX_FMT_YUV420P;
        frame->width = width;
        frame->height = height;
        check(av_frame_get_buffer(frame.get(), 0), "allocating a frame");

        sws.reset(sws_getContext(width, height, AV_PIX_FMT_RGBA, width, height, AV_PIX_FMT_YUV420P,
                                 SWS_BILINEAR | SWS_ACCURATE_RND, nullptr, nullptr, nullptr));
        if (!sws) fail("setting up the colour conversion", AVERROR(EINVAL));
        // RGB in, BT.709 limited-range YUV out, matching the stream's colour tags.
        const int* bt709 = sws_getCoefficients(SWS_CS_ITU709);
        sws_setColorspaceDetails(sws.get(), bt709, 1, bt709, 0, 0, 1 << 16, 1 << 16);
    }

    /// Sends `input` (nullptr: flush) and writes every packet the encoder has ready.
    void encode(const AVFrame* input) {
        check(avcodec_send_frame(codec.get(), input), "encoding a frame");
        for (;;) {
            const int got = avcodec_receive_packet(codec.get(), packet.get());
            if (got == AVERROR(EAGAIN) || got == AVERROR_EOF) return;
            check(got, "encoding a frame");
            av_packet_rescale_ts(packet.get(), codec->time_base, stream->time_base);
            packet->stream_index = stream->index;
            // Takes over (and unreferences) the packet's data.
            check(av_interleaved_write_frame(format.get(), packet.get()), "writing a frame");
        }
    }

    void addFrame(const RgbaImage& image) {
        check(av_frame_make_writable(frame.get()), "preparing a frame");
        const std::uint8_t* source[1] = {image.pixels.data()};
        const int sourceStride[1] = {int(image.stride())};
        check(sws_scale(sws.get(), source, sourceStride, 0, height, frame->data, frame->linesize),
              "converting a frame to yuv420p");
        frame->pts = frames;
        encode(frame.get());
        ++frames;
    }

    void finish() {
        encode(nullptr);
        check(av_write_trailer(format.get()), "writing the MP4 trailer");
        check(avio_closep(&format->pb), "closing the file");
        // On disk before the rename, so a crash leaves the old file or the whole new one.
        const int fd = ::open(temporary.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            ::fsync(fd);
            ::close(fd);
        }
        std::error_code ec;
        fs::rename(temporary, path, ec);
        if (ec) {
            state = State::Failed;
            writeFailed(path, ec.message());
        }
        committed = true;
        state = State::Finished;
    }

    std::string path, temporary, encoderName;
    int slot = -1; ///< in the temp-file registry
    int width, height;
    int frames = 0;
    State state = State::Open;
    bool committed = false;
    av::Output format;
    av::CodecContext codec;
    AVStream* stream = nullptr; // owned by format
    av::Frame frame;
    av::Packet packet;
    av::Sws sws;
};

Mp4Writer::Mp4Writer(const std::string& path, int width, int height, double fps,
                     const AnimationOptions& options) {
    checkAnimationSettings(width, height, fps);
    if (width % 2 != 0 || height % 2 != 0)
        throw UsageError(fmt::format("MP4 needs even width and height, got {}x{}", width, height));
    if (options.crf < 0 || options.crf > 51)
        throw UsageError(fmt::format("MP4 crf {} is outside 0..51", options.crf));
    m_impl = std::make_unique<Impl>(path, width, height);
    m_impl->open(fps, options.crf);
}

Mp4Writer::~Mp4Writer() = default;

void Mp4Writer::addFrame(const RgbaImage& frame) {
    Impl& d = *m_impl;
    if (d.state != Impl::State::Open)
        throw std::logic_error("Mp4Writer::addFrame called after finish() or a failed write");
    checkAnimationFrame(frame, d.width, d.height);
    d.addFrame(frame);
}

void Mp4Writer::finish() {
    Impl& d = *m_impl;
    if (d.state != Impl::State::Open)
        throw std::logic_error("Mp4Writer::finish called twice or after a failed write");
    if (d.frames == 0) throw UsageError(fmt::format("cannot write {}: no frames to write", d.path));
    d.finish();
}

int Mp4Writer::frames() const {
    return m_impl->frames;
}

std::string Mp4Writer::encoderName() const {
    return m_impl->encoderName;
}

} // namespace dfs
