// The grids and point lists shared by the 2-D views (view_grid.hpp).
#include "core/scene/view_grid.hpp"

#include "core/backend/backend.hpp"

#include <algorithm>
#include <cmath>

namespace dfs {

Index strideFor(Index rows, Index limit) {
    return std::max<Index>(1, (rows + limit - 1) / limit);
}

void appendXY(std::vector<float>& out, double x, double y) {
    out.push_back(float(x));
    out.push_back(float(y));
}

std::vector<float> thinnedXY(const Matrix& m, Index limit) {
    std::vector<float> out;
    const Index stride = strideFor(m.rows(), limit);
    out.reserve(std::size_t(2 * (m.rows() / stride + 1)));
    for (Index r = 0; r < m.rows(); r += stride) appendXY(out, m(r, 0), m(r, 1));
    return out;
}

ScalarGrid emptyGrid(int n, double extent, std::string label) {
    ScalarGrid g;
    g.nx = g.ny = n;
    g.x0 = g.y0 = -extent;
    g.x1 = g.y1 = extent;
    g.values.assign(std::size_t(n) * n, 0.0f);
    g.label = std::move(label);
    return g;
}

Matrix cellCentres(const ScalarGrid& g) {
    Matrix p(Index(g.nx) * g.ny, 2);
    for (int r = 0; r < g.ny; ++r)
        for (int c = 0; c < g.nx; ++c) {
            p(Index(r) * g.nx + c, 0) = g.x0 + (g.x1 - g.x0) * (c + 0.5) / g.nx;
            p(Index(r) * g.nx + c, 1) = g.y0 + (g.y1 - g.y0) * (r + 0.5) / g.ny;
        }
    return p;
}

double extentAt(const SceneView& v, const NoiseLevel& l) {
    return v.extent * std::max(1.0, std::sqrt(l.alpha * l.alpha + l.sigma * l.sigma));
}

void histogram(Backend& backend, const Matrix& m, ScalarGrid& g) {
    const double cw = (g.x1 - g.x0) / g.nx, ch = (g.y1 - g.y0) / g.ny;
    const float unit = float(1.0 / (double(std::max<Index>(1, m.rows())) * cw * ch));
    backend.splat(m, SplatGrid{g.nx, g.ny, g.x0, g.x1, g.y0, g.y1}, unit, g.values);
}

void logDensityGrid(Backend& backend, const Denoiser& model, const NoiseLevel& level,
                    ScalarGrid& g) {
    Vector lp;
    backend.logDensity(model, cellCentres(g), level, lp);
    const double peak = lp.maxCoeff();
    for (Index i = 0; i < lp.size(); ++i)
        g.values[std::size_t(i)] = float(std::max(lp[i], peak - 10.0));
}

} // namespace dfs
