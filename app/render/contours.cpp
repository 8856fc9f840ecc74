// Marching squares (Lorensen & Cline 1987, in two dimensions): each square of four neighbouring
// cell centres is cut where the level lies between two corners, at the linear interpolation.
#include "app/render/contours.hpp"

#include <cmath>

namespace dfs::render {

std::vector<QLineF> contourSegments(const ScalarGrid& g, double level, const PlotFrame& frame) {
    std::vector<QLineF> out;
    if (g.nx < 2 || g.ny < 2 || g.values.size() != std::size_t(g.nx) * std::size_t(g.ny))
        return out;
    const double cw = (g.x1 - g.x0) / g.nx, ch = (g.y1 - g.y0) / g.ny;
    auto value = [&](int r, int c) {
        return double(g.values[std::size_t(r) * std::size_t(g.nx) + std::size_t(c)]);
    };
    auto centre = [&](int r, int c) {
        return QPointF(g.x0 + (c + 0.5) * cw, g.y0 + (r + 0.5) * ch);
    };
    for (int r = 0; r + 1 < g.ny; ++r)
        for (int c = 0; c + 1 < g.nx; ++c) {
            // Corners counter-clockwise from the bottom left; edges k joins corners k and k + 1.
            const int rr[4] = {r, r, r + 1, r + 1}, cc[4] = {c, c + 1, c + 1, c};
            double v[4];
            bool finite = true;
            for (int k = 0; k < 4; ++k) finite &= std::isfinite(v[k] = value(rr[k], cc[k]));
            if (!finite) continue;
            QPointF cuts[4];
            int n = 0;
            for (int k = 0; k < 4; ++k) {
                const double a = v[k], b = v[(k + 1) % 4];
                if ((a < level) == (b < level)) continue;
                const double u = (level - a) / (b - a);
                const QPointF pa = centre(rr[k], cc[k]),
                              pb = centre(rr[(k + 1) % 4], cc[(k + 1) % 4]);
                const QPointF q = pa + u * (pb - pa);
                cuts[n++] = frame.map(q.x(), q.y());
            }
            // Two cuts: one segment; four (a saddle): pair each cut with its neighbour.
            if (n == 2) out.emplace_back(cuts[0], cuts[1]);
            if (n == 4) {
                out.emplace_back(cuts[0], cuts[1]);
                out.emplace_back(cuts[2], cuts[3]);
            }
        }
    return out;
}

} // namespace dfs::render
