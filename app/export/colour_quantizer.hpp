// ColourQuantizer: turns an RGBA frame into a palette of at most 256 RGB colours and one palette
// index per pixel (the frame's own colours when it has at most 256, otherwise a variance-splitting
// median cut), with optional Floyd-Steinberg dithering. GifWriter's per-frame palette; Qt-free.
#pragma once

#include "app/export/rgba_image.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace dfs {

/// The most palette entries ColourQuantizer produces (a GIF colour table's limit).
inline constexpr int kMaxQuantizedColours = 256;

/// A frame as palette indices: pixel (x, y) has colour palette[indices[y * width + x]].
struct QuantizedImage {
    std::vector<std::array<std::uint8_t, 3>> palette; // RGB, at most kMaxQuantizedColours
    std::vector<std::uint8_t> indices;                // width * height, row-major
};

/// Quantises frames one at a time. Keeps its work buffers between calls, so a stream of frames
/// of one size allocates only on the first. Not thread-safe; use one per thread.
class ColourQuantizer {
public:
    ColourQuantizer();
    ~ColourQuantizer();
    ColourQuantizer(ColourQuantizer&&) noexcept;
    ColourQuantizer& operator=(ColourQuantizer&&) noexcept;
    ColourQuantizer(const ColourQuantizer&) = delete;
    ColourQuantizer& operator=(const ColourQuantizer&) = delete;

    /// Quantises `image` (alpha ignored) into `out`, reusing out's storage. Requires
    /// image.valid(); throws std::invalid_argument otherwise.
    ///
    /// Guarantees: out.indices has width * height entries, each < out.palette.size(); the
    /// palette has 1..256 entries (none for an empty image). An image with at most 256 distinct
    /// colours is mapped exactly: the palette is its colours in order of first appearance
    /// (row-major) and `dither` has no effect. Otherwise the palette keeps colours that fill at
    /// least 1/1024 of the image exact (at most 64) and adds the weighted means of a
    /// variance-splitting median cut over the rest; each pixel gets its nearest entry, or with
    /// `dither` a Floyd-Steinberg error-diffused (serpentine, error-limited) choice in which
    /// pixels exactly equal to a palette colour stay exact. The result depends only on `image`
    /// and `dither`, never on earlier calls.
    void quantize(const RgbaImage& image, bool dither, QuantizedImage& out);
    /// As quantize(image, dither, out), returning a new QuantizedImage.
    QuantizedImage quantize(const RgbaImage& image, bool dither);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace dfs
