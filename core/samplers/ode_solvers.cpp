// RK4 and Dormand-Prince 5(4) for the augmented ODE (see ode_solvers.hpp).
#include "core/samplers/ode_solvers.hpp"

#include "core/errors.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace dfs {

long rk4Augmented(const AugmentedField& f, double t0, double t1, int steps, Matrix& x, Matrix& L) {
    if (steps < 1) throw UsageError(fmt::format("--steps must be at least 1 (got {})", steps));
    const double h = (t1 - t0) / steps;
    Matrix k1, k2, k3, k4, g1, g2, g3, g4;
    for (int i = 0; i < steps; ++i) {
        const double t = t0 + i * h;
        f(x, t, k1, g1);
        f(x + 0.5 * h * k1, t + 0.5 * h, k2, g2);
        f(x + 0.5 * h * k2, t + 0.5 * h, k3, g3);
        f(x + h * k3, t + h, k4, g4);
        x += (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
        L += (h / 6.0) * (g1 + 2.0 * g2 + 2.0 * g3 + g4);
    }
    return 4L * steps;
}

namespace {
// Dormand & Prince (1980), Table 5.2 of Hairer et al. (1993).
constexpr double c[7] = {0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1};
constexpr double a[7][6] = {
    {},
    {1.0 / 5},
    {3.0 / 40, 9.0 / 40},
    {44.0 / 45, -56.0 / 15, 32.0 / 9},
    {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
    {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
    {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84}};
/// b (5th order, = a[6]) minus b^ (4th order).
constexpr double e[7] = {71.0 / 57600,      0,          -71.0 / 16695, 71.0 / 1920,
                         -17253.0 / 339200, 22.0 / 525, -1.0 / 40};

/// Per row, the RMS over its components of err / (atol + rtol max(|y0|, |y1|)); the largest.
double errorNorm(const Matrix& err, const Matrix& y0, const Matrix& y1, double rtol, double atol) {
    const Eigen::ArrayXXd scale = atol + rtol * y0.cwiseAbs().cwiseMax(y1.cwiseAbs()).array();
    const Eigen::ArrayXXd r = err.array() / scale;
    return std::sqrt(r.square().rowwise().mean().maxCoeff());
}

double rmsNorm(const Matrix& v, const Eigen::ArrayXXd& scale) {
    return std::sqrt((v.array() / scale).square().rowwise().mean().maxCoeff());
}
} // namespace

long dopri5Augmented(const AugmentedField& f, double t0, double t1, double rtol, double atol,
                     Matrix& x, Matrix& L, long maxSteps) {
    if (!(rtol > 0) || !(atol > 0))
        throw UsageError(
            fmt::format("--rtol and --atol must be positive (got {}, {})", rtol, atol));
    const Index n = x.rows(), d = x.cols(), m = L.cols();
    if (n == 0) return 0;
    if (L.rows() != n)
        throw UsageError(fmt::format("the integrals have {} rows and the points {}", L.rows(), n));
    long nfe = 0;
    Matrix u, g;
    // The state Y = [x, L] (n x (d + m)) and the field on it.
    auto eval = [&](const Matrix& y, double t) {
        f(y.leftCols(d), t, u, g);
        ++nfe;
        Matrix k(n, d + m);
        k.leftCols(d) = u;
        k.rightCols(m) = g;
        return k;
    };
    Matrix y(n, d + m);
    y.leftCols(d) = x;
    y.rightCols(m) = L;
    const double span = t1 - t0;
    Matrix k[7];
    k[0] = eval(y, t0);
    // Initial step (Hairer et al. 1993, II.4): h0 from the sizes of y and f, refined by a
    // second derivative estimate.
    const Eigen::ArrayXXd sc = atol + rtol * y.cwiseAbs().array();
    const double d0 = rmsNorm(y, sc), d1 = rmsNorm(k[0], sc);
    double h = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
    h = std::min(h, span);
    const Matrix k1 = eval(y + h * k[0], t0 + h);
    const double d2 = rmsNorm(k1 - k[0], sc) / h;
    const double h1 = std::max(d1, d2) <= 1e-15 ? std::max(1e-6, 1e-3 * h)
                                                : std::pow(0.01 / std::max(d1, d2), 1.0 / 5);
    h = std::min({100 * h, h1, span});
    double t = t0;
    for (long step = 0; t < t1; ++step) {
        if (step >= maxSteps)
            throw DataError(fmt::format("the ODE solve did not reach t = {} in {} steps (stuck at "
                                        "t = {})",
                                        t1, maxSteps, t));
        h = std::min(h, t1 - t);
        Matrix ys;
        for (int s = 1; s < 7; ++s) {
            ys = y;
            for (int j = 0; j < s; ++j)
                if (a[s][j] != 0) ys += h * a[s][j] * k[j];
            k[s] = eval(ys, s == 6 ? t + h : t + c[s] * h);
        }
        // ys is the 5th-order solution (a[6] = b); the error is its difference from the 4th.
        Matrix err = Matrix::Zero(n, d + m);
        for (int j = 0; j < 7; ++j)
            if (e[j] != 0) err += h * e[j] * k[j];
        const double en = errorNorm(err, y, ys, rtol, atol);
        if (!std::isfinite(en))
            throw DataError(fmt::format("the ODE solve produced a non-finite value at t = {}", t));
        if (en <= 1) {
            t = (t1 - (t + h) < 1e-12 * span) ? t1 : t + h;
            y = ys;
            k[0] = k[6]; // first same as last
        }
        const double factor = en == 0 ? 10 : std::clamp(0.9 * std::pow(en, -0.2), 0.2, 10.0);
        h *= en <= 1 ? factor : std::min(factor, 1.0);
    }
    x = y.leftCols(d);
    L = y.rightCols(m);
    return nfe;
}

} // namespace dfs
