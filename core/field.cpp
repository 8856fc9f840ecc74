// Field evaluation on grids and point sets.
#include "core/field.hpp"

#include "core/backend/backend.hpp"
#include "core/errors.hpp"

#include <cmath>
#include <fmt/format.h>

namespace dfs {

Matrix gridPoints(int n, double extent) {
    if (n < 2 || n > 4096) throw UsageError(fmt::format("--grid must be in [2, 4096] (got {})", n));
    if (!(extent > 0) || !std::isfinite(extent))
        throw UsageError(fmt::format("--extent must be a positive number (got {})", extent));
    Matrix p(Index(n) * n, 2);
    for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c) {
            p(Index(r) * n + c, 0) = -extent + 2 * extent * c / (n - 1);
            p(Index(r) * n + c, 1) = -extent + 2 * extent * r / (n - 1);
        }
    return p;
}

Matrix evaluateField(Backend& backend, const Denoiser& model, const NoiseLevel& level,
                     Prediction quantity, const Matrix& x) {
    if (level.sigma <= 0 && quantity != Prediction::X0)
        throw UsageError("eps, v, score and velocity are undefined at sigma = 0 (t = 0)");
    Matrix x0;
    backend.denoise(model, x, level, x0);
    return fromX0(quantity, x, x0, level);
}

} // namespace dfs
