// Sampler time grids (uniform in t, uniform in log-SNR, Karras rho-ramp).
#include "core/schedules/time_grid.hpp"

#include "core/errors.hpp"
#include "core/name_table.hpp"
#include "core/schedules/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace dfs {

namespace {
constexpr NameTable<GridSpacing, 3> kSpacings = {{{GridSpacing::UniformT, "uniform"},
                                                  {GridSpacing::UniformLogSnr, "logsnr"},
                                                  {GridSpacing::Karras, "karras"}}};
} // namespace

GridSpacing parseGridSpacing(const std::string& name) {
    return parseName(kSpacings, name, "grid");
}

std::string gridSpacingName(GridSpacing g) {
    return nameOf(kSpacings, g);
}

std::vector<double> makeTimeGrid(const Schedule& schedule, GridSpacing spacing, int steps,
                                 double rho) {
    if (steps < 1) throw UsageError(fmt::format("--steps must be at least 1 (got {})", steps));
    const int n = steps;
    std::vector<double> t(std::size_t(n) + 1, 0.0);
    if (spacing == GridSpacing::UniformT) {
        for (int i = 0; i < n; ++i) t[std::size_t(i)] = 1.0 - double(i) / n;
        return t;
    }
    const double lamLo = schedule.gridLogSnrMin(), lamHi = schedule.gridLogSnrMax();
    for (int i = 0; i < n; ++i) {
        const double f = n == 1 ? 0.0 : double(i) / (n - 1);
        double lambda;
        if (spacing == GridSpacing::UniformLogSnr) {
            lambda = lamLo + f * (lamHi - lamLo);
        } else { // Karras et al. 2022, eq. 5, in sigma~ = exp(-lambda/2)
            const double sMax = std::pow(std::exp(-0.5 * lamLo), 1 / rho);
            const double sMin = std::pow(std::exp(-0.5 * lamHi), 1 / rho);
            lambda = -2.0 * rho * std::log(sMax + f * (sMin - sMax));
        }
        // edm's and ve's sigma_min is reached as t -> 0+: keep every point before the final
        // step positive, so that step is the one to sigma = 0.
        t[std::size_t(i)] = std::max(schedule.tFromLogSnr(lambda), kSmallestPositiveT);
    }
    if (lamLo == schedule.logSnr(1.0)) t[0] = 1.0;
    return t;
}

} // namespace dfs
