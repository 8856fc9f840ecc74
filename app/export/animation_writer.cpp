// AnimationWriter: shared validation and the extension-based factory.
#include "app/export/animation_writer.hpp"

#include "app/export/gif_writer.hpp"
#include "app/export/mp4_writer.hpp"
#include "core/errors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace dfs {

AnimationWriter::~AnimationWriter() = default;

void checkAnimationSettings(int width, int height, double fps) {
    if (width < kMinAnimationSide || width > kMaxAnimationSide || height < kMinAnimationSide ||
        height > kMaxAnimationSide)
        throw UsageError(fmt::format("animation size {}x{} is outside {}..{}", width, height,
                                     kMinAnimationSide, kMaxAnimationSide));
    if (!(fps > 0.0 && fps <= kMaxAnimationFps))
        throw UsageError(
            fmt::format("animation frame rate {} is outside (0, {}]", fps, kMaxAnimationFps));
}

void checkAnimationFrame(const RgbaImage& frame, int width, int height) {
    if (frame.width != width || frame.height != height)
        throw UsageError(fmt::format("frame size {}x{} does not match the animation size {}x{}",
                                     frame.width, frame.height, width, height));
    if (!frame.valid())
        throw UsageError(fmt::format("frame pixel buffer holds {} bytes, expected {} for {}x{}",
                                     frame.pixels.size(), RgbaImage::byteCount(width, height),
                                     width, height));
}

std::unique_ptr<AnimationWriter> makeAnimationWriter(const std::string& path, int width, int height,
                                                     double fps, const AnimationOptions& options) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    if (ext == ".gif") return std::make_unique<GifWriter>(path, width, height, fps, options);
    if (ext == ".mp4") return std::make_unique<Mp4Writer>(path, width, height, fps, options);
    throw UsageError(fmt::format("cannot write an animation to '{}': extension '{}' is not "
                                 "supported (use .gif or .mp4)",
                                 path, ext.empty() ? std::string("(none)") : ext));
}

} // namespace dfs
