// Shapes drawn by coverage: each pixel is sampled on a 4x4 sub-grid against the shape's inside
// test in the shape's own frame (rotated and scaled), which anti-aliases the edges.
#include "core/datasets/shapes_dataset.hpp"

#include "core/datasets/dataset_random.hpp"

#include <cmath>
#include <numbers>

namespace dfs {

namespace {

/// Inside test in the shape's frame, where the shape spans about [-1, 1]^2.
bool inside(int shape, double u, double v) {
    const double au = std::abs(u), av = std::abs(v), r = std::hypot(u, v);
    switch (shape) {
    case 0:
        return r <= 1.0; // disc
    case 1:
        return au <= 0.8 && av <= 0.8; // square
    case 2:
        return v >= -0.7 && v <= 0.9 - 1.7 * au; // triangle
    case 3:
        return r <= 1.0 && r >= 0.55; // ring
    case 4:
        return (au <= 0.32 && av <= 1.0) || (av <= 0.32 && au <= 1.0); // cross
    default:
        return au <= 1.0 && av <= 0.32; // bar
    }
}

} // namespace

PointSet makeShapes(Index n, std::uint64_t seed) {
    datasets::checkArgs(n, 0.0);
    PointSet set;
    set.name = "shapes";
    set.points.resize(n, kShapesSide * kShapesSide);
    set.labels.resize(std::size_t(n));
    constexpr int kSub = 4;
    for (Index i = 0; i < n; ++i) {
        const auto a = datasets::uniforms(seed, i);
        const auto b = datasets::normals(seed, i);
        const int shape = datasets::pick(a[0], kShapesClasses);
        const double scale = 0.45 + 0.25 * a[1]; // half-size, in image units
        // Upright, tilted by at most 15 degrees; bars lie or stand. Free rotation would make
        // each class a continuum that the default U-Net cannot learn in its few minutes.
        const double turn = shape == 5 && b[2] > 0 ? std::numbers::pi / 2 : 0.0;
        const double angle = turn + (a[2] - 0.5) * std::numbers::pi / 6;
        const double bright = 0.55 + 0.45 * a[3]; // peak intensity in (0, 1]
        const double cx = std::clamp(0.1 * b[0], -0.2, 0.2), cy = std::clamp(0.1 * b[1], -0.2, 0.2);
        const double c = std::cos(angle), s = std::sin(angle);
        set.labels[std::size_t(i)] = shape;
        for (int py = 0; py < kShapesSide; ++py)
            for (int px = 0; px < kShapesSide; ++px) {
                int hits = 0;
                for (int sy = 0; sy < kSub; ++sy)
                    for (int sx = 0; sx < kSub; ++sx) {
                        // Image coordinates in [-1, 1], y up.
                        const double x = (px + (sx + 0.5) / kSub) / kShapesSide * 2 - 1 - cx;
                        const double y = 1 - (py + (sy + 0.5) / kSub) / kShapesSide * 2 - cy;
                        const double u = (c * x + s * y) / scale, v = (-s * x + c * y) / scale;
                        hits += inside(shape, u, v);
                    }
                set.points(i, py * kShapesSide + px) = -1 + 2 * bright * hits / double(kSub * kSub);
            }
    }
    return set;
}

} // namespace dfs
