// GifWriter: the GIF stream through giflib's EGifOpen with an output callback into an AtomicFile;
// each frame is quantised by ColourQuantizer and stored as the block GifFrameDelta derives (the
// changed rectangle, transparent where unchanged, on the global or a local colour table).
#include "app/export/gif_writer.hpp"

#include "app/export/colour_quantizer.hpp"
#include "app/export/gif_frame_delta.hpp"
#include "core/errors.hpp"
#include "core/io/atomic_file.hpp"

#include <fmt/format.h>
#include <gif_lib.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace dfs {

struct GifWriter::Impl {
    enum class State { Open, Finished, Failed };

    Impl(const std::string& path, int w, int h, double fps, const AnimationOptions& options)
        : file(path), width(w), height(h), dither(options.dither),
          delay(int(std::clamp(std::lround(std::min(100.0 / fps, 65535.0)), 2L, 65535L))) {}

    ~Impl() { closeGif(); }

    /// giflib's output callback: appends to the AtomicFile. Exceptions cannot cross giflib's C
    /// frames, so a failure is kept and reported as a short write.
    static int output(GifFileType* gif, const GifByteType* bytes, int length) {
        auto* self = static_cast<Impl*>(gif->UserData);
        if (self->writeError) return 0;
        try {
            self->file.write(std::string_view(reinterpret_cast<const char*>(bytes), length));
            return length;
        } catch (...) {
            self->writeError = std::current_exception();
            return 0;
        }
    }

    /// Throws for a failed giflib call: the file's own error if the write failed, else
    /// giflib's message.
    [[noreturn]] void fail(int gifError, const char* what) {
        state = State::Failed;
        if (writeError) std::rethrow_exception(writeError);
        const char* reason = GifErrorString(gifError);
        throw DataError(fmt::format("cannot write {}: {} failed ({})", file.path(), what,
                                    reason ? reason : "unknown giflib error"));
    }
    void check(int result, const char* what) {
        if (result == GIF_ERROR) fail(gif ? gif->Error : 0, what);
    }

    void open() {
        int error = 0;
        gif = EGifOpen(this, &Impl::output, &error);
        if (!gif) fail(error, "opening the GIF encoder");
        EGifSetGifVersion(gif, true);
    }

    /// The header, with the first frame's colour table as the global one, and the loop-forever
    /// extension. giflib writes nothing before EGifPutScreenDesc, so this waits for that frame.
    void writeHeader(const std::vector<GifColour>& globalTable) {
        std::array<GifColorType, kMaxQuantizedColours> colours{};
        const ColorMapObject map = colourMap(globalTable, colours);
        check(EGifPutScreenDesc(gif, width, height, 8, 0, &map), "writing the GIF header");
        // NETSCAPE2.0 application extension: loop count 0 = forever.
        static const GifByteType loop[3] = {1, 0, 0};
        check(EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE), "writing the loop extension");
        check(EGifPutExtensionBlock(gif, 11, "NETSCAPE2.0"), "writing the loop extension");
        check(EGifPutExtensionBlock(gif, 3, loop), "writing the loop extension");
        check(EGifPutExtensionTrailer(gif), "writing the loop extension");
    }

    /// A giflib colour map over `storage` for `table` (2..256 entries, a power of two).
    static ColorMapObject colourMap(const std::vector<GifColour>& table,
                                    std::array<GifColorType, kMaxQuantizedColours>& storage) {
        for (std::size_t i = 0; i < table.size(); ++i)
            storage[i] = {table[i][0], table[i][1], table[i][2]};
        ColorMapObject map{};
        map.ColorCount = int(table.size());
        map.BitsPerPixel = 1;
        while ((1 << map.BitsPerPixel) < map.ColorCount) ++map.BitsPerPixel;
        map.SortFlag = false;
        map.Colors = storage.data();
        return map;
    }

    /// The LZW-coded size of a block's pixels: giflib encodes it into a byte counter.
    std::size_t codedSize(const GifImageBlock& block) {
        struct Counter {
            static int count(GifFileType* gif, const GifByteType*, int length) {
                *static_cast<std::size_t*>(gif->UserData) += std::size_t(length);
                return length;
            }
        };
        std::size_t bytes = 0;
        int error = 0;
        GifFileType* trial = EGifOpen(&bytes, &Counter::count, &error);
        if (!trial) fail(error, "measuring a frame");
        std::array<GifColorType, kMaxQuantizedColours> colours{};
        ColorMapObject map = colourMap(block.table, colours);
        GifByteType* pixels = const_cast<GifByteType*>(block.indices.data()); // read only
        const bool ok =
            EGifPutImageDesc(trial, 0, 0, block.width, block.height, false, &map) != GIF_ERROR &&
            EGifPutLine(trial, pixels, int(block.indices.size())) != GIF_ERROR;
        error = trial->Error;
        int closeError = 0;
        if (EGifCloseFile(trial, &closeError) == GIF_ERROR && ok) error = closeError;
        if (!ok) fail(error, "measuring a frame");
        // Less the image descriptor (10 bytes), its table and the trailer (1 byte).
        return bytes - std::min(bytes, 11 + 3 * block.table.size());
    }

    /// Quantises the frame and writes the block that changes the composed canvas into it.
    void writeFrame(const RgbaImage& frame) {
        quantizer.quantize(frame, dither, quantized);
        if (!delta)
            delta = std::make_unique<GifFrameDelta>(
                width, height, [this](const GifImageBlock& block) { return codedSize(block); });
        GifImageBlock& block = delta->next(quantized);
        if (frames == 0) writeHeader(delta->globalTable());

        GraphicsControlBlock gcb{};
        gcb.DisposalMode = DISPOSE_DO_NOT;
        gcb.UserInputFlag = false;
        gcb.DelayTime = delay;
        gcb.TransparentColor = block.transparent >= 0 ? block.transparent : NO_TRANSPARENT_COLOR;
        GifByteType extension[4];
        const size_t length = EGifGCBToExtension(&gcb, extension);
        check(EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, int(length), extension),
              "writing a frame's delay");

        std::array<GifColorType, kMaxQuantizedColours> colours{};
        ColorMapObject map = colourMap(block.table, colours);
        check(EGifPutImageDesc(gif, block.left, block.top, block.width, block.height, false,
                               block.localTable ? &map : nullptr),
              "writing a frame header");
        // EGifPutLine takes the pixels non-const.
        check(EGifPutLine(gif, block.indices.data(), int(block.indices.size())),
              "writing a frame's pixels");
    }

    /// Closes the giflib stream (writing the trailer); returns giflib's error code or 0.
    int closeGif() {
        if (!gif) return 0;
        int error = 0;
        const int result = EGifCloseFile(gif, &error);
        gif = nullptr;
        return result == GIF_ERROR ? (error != 0 ? error : E_GIF_ERR_WRITE_FAILED) : 0;
    }

    AtomicFile file;
    GifFileType* gif = nullptr;
    std::exception_ptr writeError;
    int width, height;
    bool dither;
    int delay;
    int frames = 0;
    State state = State::Open;
    ColourQuantizer quantizer;
    QuantizedImage quantized;
    std::unique_ptr<GifFrameDelta> delta;
};

GifWriter::GifWriter(const std::string& path, int width, int height, double fps,
                     const AnimationOptions& options) {
    checkAnimationSettings(width, height, fps);
    m_impl = std::make_unique<Impl>(path, width, height, fps, options);
    m_impl->open();
}

GifWriter::~GifWriter() = default;

void GifWriter::addFrame(const RgbaImage& frame) {
    Impl& d = *m_impl;
    if (d.state != Impl::State::Open)
        throw std::logic_error("GifWriter::addFrame called after finish() or a failed write");
    checkAnimationFrame(frame, d.width, d.height);
    d.writeFrame(frame);
    ++d.frames;
}

void GifWriter::finish() {
    Impl& d = *m_impl;
    if (d.state != Impl::State::Open)
        throw std::logic_error("GifWriter::finish called twice or after a failed write");
    if (d.frames == 0)
        throw UsageError(fmt::format("cannot write {}: no frames to write", d.file.path()));
    const int error = d.closeGif();
    if (error != 0 || d.writeError) d.fail(error, "closing the GIF stream");
    d.state = Impl::State::Failed; // until the rename has succeeded
    d.file.commit();
    d.state = Impl::State::Finished;
}

int GifWriter::frames() const {
    return m_impl->frames;
}

int GifWriter::delayCentiseconds() const {
    return m_impl->delay;
}

} // namespace dfs
