// Synthetic export frames shared by the export tests and bench_export_gif: a smooth 2-D heat map
// (viridis-like ramp across x, brightness across y) and flat images.
#pragma once

#include "app/export/rgba_image.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

namespace dfs::test {

/// A viridis-like colour for t in [0, 1]: piecewise linear through nine samples of matplotlib's
/// viridis.
inline std::array<double, 3> viridisLike(double t) {
    static constexpr double stops[9][3] = {{68, 1, 84},    {71, 44, 122},  {59, 81, 139},
                                           {44, 113, 142}, {33, 144, 141}, {39, 173, 129},
                                           {92, 200, 99},  {170, 220, 50}, {253, 231, 37}};
    const double s = std::clamp(t, 0.0, 1.0) * 8.0;
    const int i = std::min(int(s), 7);
    const double f = s - i;
    return {stops[i][0] + f * (stops[i + 1][0] - stops[i][0]),
            stops[i][1] + f * (stops[i + 1][1] - stops[i][1]),
            stops[i][2] + f * (stops[i + 1][2] - stops[i][2])};
}

/// Smooth heat map: the colour ramp runs across x (shifted by `phase`, wrapping), brightness
/// from 0.35 at the top to 1 at the bottom.
inline RgbaImage heatMap(int width, int height, double phase = 0.0) {
    RgbaImage image(width, height);
    for (int y = 0; y < height; ++y) {
        const double brightness = 0.35 + 0.65 * y / std::max(1, height - 1);
        for (int x = 0; x < width; ++x) {
            double t = double(x) / std::max(1, width - 1) + phase;
            t -= std::floor(t);
            const auto c = viridisLike(t);
            image.set(x, y, std::uint8_t(std::lround(c[0] * brightness)),
                      std::uint8_t(std::lround(c[1] * brightness)),
                      std::uint8_t(std::lround(c[2] * brightness)));
        }
    }
    return image;
}

inline RgbaImage flatImage(int width, int height, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
    RgbaImage image(width, height);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) image.set(x, y, r, g, b);
    return image;
}

} // namespace dfs::test
