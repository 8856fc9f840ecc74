// The Backend interface's default implementations: splat on the CPU (the reference histogram
// of the density view), and no device to train on.
#include "core/backend/backend.hpp"

#include "core/backend/train_device.hpp"
#include "core/errors.hpp"

#include <fmt/format.h>

namespace dfs {

void checkSplat(const Matrix& x, const SplatGrid& g, const std::vector<float>& cells) {
    if (g.nx < 1 || g.ny < 1 || !(g.x1 > g.x0) || !(g.y1 > g.y0))
        throw UsageError(
            fmt::format("a histogram grid needs cells: {} x {} over [{}, {}) x [{}, {})", g.nx,
                        g.ny, g.x0, g.x1, g.y0, g.y1));
    if (cells.size() != std::size_t(g.nx) * std::size_t(g.ny))
        throw UsageError(fmt::format("a {} x {} histogram has {} cells, not {}", g.nx, g.ny,
                                     std::size_t(g.nx) * std::size_t(g.ny), cells.size()));
    if (x.cols() < 2)
        throw UsageError(fmt::format("a histogram needs 2-D points (got {} columns)", x.cols()));
}

void Backend::splat(const Matrix& x, const SplatGrid& g, float weight, std::vector<float>& cells) {
    checkSplat(x, g, cells);
    const double sx = g.nx / (g.x1 - g.x0), sy = g.ny / (g.y1 - g.y0);
    for (Index r = 0; r < x.rows(); ++r) {
        const double fx = (x(r, 0) - g.x0) * sx, fy = (x(r, 1) - g.y0) * sy;
        if (!(fx >= 0 && fx < g.nx && fy >= 0 && fy < g.ny)) continue; // also NaN
        cells[std::size_t(int(fy) * g.nx + int(fx))] += weight;
    }
}

std::unique_ptr<TrainDevice> Backend::mlpTrainDevice(const Mlp&, int) {
    return nullptr;
}

} // namespace dfs
