// Mp4Writer: H.264 video in an MP4 container through libavformat / libavcodec / libswscale
// (FFmpeg 5.1), written to a temporary file beside the target and renamed into place on finish.
#pragma once

#include "app/export/animation_writer.hpp"

#include <memory>
#include <string>

namespace dfs {

class Mp4Writer final : public AnimationWriter {
public:
    /// Opens the encoder (libx264, crf options.crf, preset "medium", yuv420p, BT.709 limited
    /// range, "+faststart"; MPEG-4 Part 2 at a matching quantiser if libavcodec has no H.264
    /// encoder) and a temporary file `<path>.tmp-XXXXXXXX` beside `path`. Odd sizes are
    /// refused rather than padded, so the video is always exactly width x height: throws
    /// UsageError for odd width or height, a size outside 16..8192, fps outside (0, 120] or a
    /// crf outside 0..51; DataError naming `path` if the folder is missing or unwritable or
    /// libav fails (with its error text). Lowers libav's global log level to errors only.
    Mp4Writer(const std::string& path, int width, int height, double fps,
              const AnimationOptions& options = {});
    /// Frees the libav contexts and removes the temporary file unless finish() succeeded.
    ~Mp4Writer() override;
    Mp4Writer(const Mp4Writer&) = delete;
    Mp4Writer& operator=(const Mp4Writer&) = delete;

    /// Converts the frame to yuv420p and encodes it. Contract as AnimationWriter::addFrame.
    void addFrame(const RgbaImage& frame) override;
    /// Flushes the encoder, writes the trailer and renames the file to `path`. Contract as
    /// AnimationWriter::finish.
    void finish() override;
    int frames() const override;

    /// The libavcodec encoder in use ("libx264", or "mpeg4" as the fallback).
    std::string encoderName() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace dfs
