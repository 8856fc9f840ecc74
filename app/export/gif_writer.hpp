// GifWriter: looping animated GIF through giflib 5, with an adaptive palette per frame
// (dfs::ColourQuantizer: exact colours or a variance-splitting median cut) and optional
// Floyd-Steinberg dithering; each frame stored as only what changed (dfs::GifFrameDelta), written
// atomically through dfs::AtomicFile.
#pragma once

#include "app/export/animation_writer.hpp"

#include <memory>
#include <string>

namespace dfs {

class GifWriter final : public AnimationWriter {
public:
    /// Opens a temporary file beside `path` and writes the GIF header and the loop-forever
    /// extension. Frames last round(100 / fps) centiseconds, at least 2 (browsers slow shorter
    /// delays down) and at most 65535, so the played rate is close to but not always exactly
    /// fps. Throws UsageError for a size outside 16..8192 or fps outside (0, 120]; DataError
    /// naming `path` if the file cannot be created.
    GifWriter(const std::string& path, int width, int height, double fps,
              const AnimationOptions& options = {});
    /// Discards the temporary file unless finish() succeeded.
    ~GifWriter() override;
    GifWriter(const GifWriter&) = delete;
    GifWriter& operator=(const GifWriter&) = delete;

    /// Quantises the frame to at most 256 colours and appends it. A frame with at most 256
    /// distinct colours is stored exactly; otherwise the palette adapts to the frame. The frame
    /// is written as the rectangle of pixels that differ from the previous frame's (unchanged
    /// pixels in it transparent where the colour table has a free entry), which a decoder
    /// composes back into exactly the quantised frame. The quantised frame depends only on the
    /// frame and the dither setting, never on earlier frames; the file depends only on the
    /// frames and the settings. Contract as AnimationWriter::addFrame.
    void addFrame(const RgbaImage& frame) override;
    /// Writes the trailer and renames the temporary file to `path`. Contract as
    /// AnimationWriter::finish.
    void finish() override;
    int frames() const override;

    /// The per-frame delay written to the file, in centiseconds.
    int delayCentiseconds() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace dfs
