// Colour maps as piecewise-linear interpolation between sampled colours. The samples are the
// colours of matplotlib's viridis and magma (van der Walt & Smith 2015) read at u = k/8, to
// within a few units; the maps stay monotone in lightness.
#include "app/render/colormap.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace dfs::render {

namespace {

using Stops = std::array<std::array<int, 3>, 9>;
constexpr Stops kViridis = {{{68, 1, 84},
                             {71, 44, 122},
                             {59, 81, 139},
                             {44, 113, 142},
                             {33, 144, 141},
                             {39, 173, 129},
                             {92, 200, 99},
                             {170, 220, 50},
                             {253, 231, 37}}};
constexpr Stops kMagma = {{{0, 0, 4},
                           {28, 16, 68},
                           {79, 18, 123},
                           {129, 37, 129},
                           {181, 54, 122},
                           {229, 80, 100},
                           {251, 135, 97},
                           {254, 194, 135},
                           {252, 253, 191}}};

} // namespace

QRgb colormapColor(Colormap map, double u) {
    if (std::isnan(u)) return qRgba(0, 0, 0, 0);
    const Stops& s = map == Colormap::Viridis ? kViridis : kMagma;
    const double x = std::clamp(u, 0.0, 1.0) * (s.size() - 1);
    const std::size_t i = std::min<std::size_t>(std::size_t(x), s.size() - 2);
    const double f = x - double(i);
    auto mix = [&](int c) { return int(std::lround(s[i][c] + f * (s[i + 1][c] - s[i][c]))); };
    return qRgb(mix(0), mix(1), mix(2));
}

std::pair<double, double> valueRange(const ScalarGrid& grid) {
    double lo = INFINITY, hi = -INFINITY;
    for (float v : grid.values)
        if (std::isfinite(v)) lo = std::min(lo, double(v)), hi = std::max(hi, double(v));
    if (!(lo <= hi)) return {0.0, 1.0};
    if (hi - lo < 1e-12 * std::max(1.0, std::abs(hi))) hi = lo + 1.0;
    return {lo, hi};
}

QImage gridImage(const ScalarGrid& grid, Colormap map, double lo, double hi) {
    QImage img(grid.nx, grid.ny, QImage::Format_ARGB32);
    // A 256-entry table: one colour-map evaluation per level, not per cell.
    std::array<QRgb, 256> lut;
    for (int k = 0; k < 256; ++k) lut[std::size_t(k)] = colormapColor(map, k / 255.0);
    const double scale = 255.0 / (hi - lo);
    for (int r = 0; r < grid.ny; ++r) {
        auto* line = reinterpret_cast<QRgb*>(img.scanLine(grid.ny - 1 - r));
        for (int c = 0; c < grid.nx; ++c) {
            const float v = grid.values[std::size_t(r * grid.nx + c)];
            line[c] = std::isnan(v) ? qRgba(0, 0, 0, 0)
                                    : lut[std::size_t(std::clamp((v - lo) * scale, 0.0, 255.0))];
        }
    }
    return img;
}

} // namespace dfs::render
