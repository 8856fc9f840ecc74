// AnimationWriter: the interface of the frame-by-frame animation exporters (GIF, MP4) and the
// factory that picks one by file extension. Writers are Qt-free and take RgbaImage frames.
#pragma once

#include "app/export/rgba_image.hpp"

#include <memory>
#include <string>

namespace dfs {

/// Encoder settings shared by the writers; each writer reads the ones that apply to it.
struct AnimationOptions {
    /// GIF: Floyd-Steinberg error diffusion against the per-frame palette. Off gives a plain
    /// nearest-colour mapping (faster, larger flat areas, visible banding on smooth gradients).
    bool dither = true;
    /// MP4 (H.264): constant rate factor, 0 (lossless) .. 51; 18 is visually lossless.
    int crf = 18;
};

/// Frame sizes the writers accept (each side, in pixels).
inline constexpr int kMinAnimationSide = 16;
inline constexpr int kMaxAnimationSide = 8192;
/// Frame rates the writers accept: (0, kMaxAnimationFps].
inline constexpr double kMaxAnimationFps = 120.0;

/// Writes an animation one frame at a time. The file appears under its name only when finish()
/// succeeds; a writer destroyed before that (or whose finish() failed) leaves nothing behind,
/// and a file that was there before is untouched.
class AnimationWriter {
public:
    virtual ~AnimationWriter();

    /// Appends a frame. Throws UsageError if the frame's size is not the writer's (or its pixel
    /// buffer does not match its size), DataError on an encoding or write error, and
    /// std::logic_error after finish().
    virtual void addFrame(const RgbaImage& frame) = 0;
    /// Completes the file and moves it into place. Throws UsageError ("no frames to write") if
    /// no frame was added (the writer stays usable), DataError on a write error (the writer is
    /// then spent), std::logic_error if called again after it succeeded or failed.
    virtual void finish() = 0;
    /// Frames added so far.
    virtual int frames() const = 0;
};

/// A writer for `path`, chosen by its extension: ".gif" or ".mp4" (case-insensitive).
/// Throws UsageError for any other extension, for a size outside 16..8192 per side, for fps
/// outside (0, 120], for an MP4 with odd width or height, or for a crf outside 0..51; throws
/// DataError naming `path` if the file cannot be created (missing or unwritable folder).
std::unique_ptr<AnimationWriter> makeAnimationWriter(const std::string& path, int width, int height,
                                                     double fps,
                                                     const AnimationOptions& options = {});

/// Shared validation of writer settings: throws UsageError naming the bad size or rate.
void checkAnimationSettings(int width, int height, double fps);
/// Throws UsageError if `frame` is not width x height or its buffer does not match its size.
void checkAnimationFrame(const RgbaImage& frame, int width, int height);

} // namespace dfs
