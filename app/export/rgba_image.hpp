// RgbaImage: a plain 8-bit RGBA raster, the frame type the animation writers take. Qt-free, so the
// writers do not depend on the renderers (a QImage in Format_RGBA8888 has the same byte layout).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace dfs {

/// RGBA8 pixels, row-major, 4 * width bytes per row, no padding. Alpha is carried but the
/// animation writers ignore it (frames are treated as opaque).
struct RgbaImage {
    int width = 0, height = 0;
    std::vector<std::uint8_t> pixels;

    RgbaImage() = default;
    /// A width x height image filled with opaque black. Negative sizes count as 0.
    RgbaImage(int w, int h)
        : width(w > 0 ? w : 0), height(h > 0 ? h : 0), pixels(byteCount(width, height), 0) {
        for (std::size_t i = 3; i < pixels.size(); i += 4) pixels[i] = 255;
    }

    static std::size_t byteCount(int w, int h) { return std::size_t(w) * std::size_t(h) * 4; }
    std::size_t stride() const { return std::size_t(width) * 4; }
    /// True when the pixel buffer matches width and height.
    bool valid() const {
        return width >= 0 && height >= 0 && pixels.size() == byteCount(width, height);
    }

    /// The 4 bytes of pixel (x, y); requires 0 <= x < width, 0 <= y < height.
    std::uint8_t* at(int x, int y) {
        return pixels.data() + std::size_t(y) * stride() + 4 * std::size_t(x);
    }
    const std::uint8_t* at(int x, int y) const {
        return pixels.data() + std::size_t(y) * stride() + 4 * std::size_t(x);
    }
    std::uint8_t* row(int y) { return pixels.data() + std::size_t(y) * stride(); }
    const std::uint8_t* row(int y) const { return pixels.data() + std::size_t(y) * stride(); }

    /// Sets pixel (x, y); requires it to be inside the image.
    void set(int x, int y, std::uint8_t r, std::uint8_t g, std::uint8_t b, std::uint8_t a = 255) {
        std::uint8_t* p = at(x, y);
        p[0] = r;
        p[1] = g;
        p[2] = b;
        p[3] = a;
    }
};

} // namespace dfs
