// Generators of the non-Gaussian 2D toy datasets (formulas and sources in toy_datasets.hpp).
#include "core/datasets/toy_datasets.hpp"

#include "core/datasets/dataset_random.hpp"

#include <array>
#include <cmath>
#include <numbers>

namespace dfs {

namespace {

constexpr double kPi = std::numbers::pi;

/// Runs `point(u, z, x, y, label)` for every i with its Philox uniforms u and normals z.
template <typename F>
PointSet generate(const char* name, Index n, double noise, std::uint64_t seed, F point) {
    datasets::checkArgs(n, noise);
    PointSet set;
    set.name = name;
    set.points.resize(n, 2);
    set.labels.resize(std::size_t(n));
    for (Index i = 0; i < n; ++i) {
        const std::array<double, 4> u = datasets::uniforms(seed, i);
        const std::array<double, 4> z = datasets::normals(seed, i);
        double x = 0.0, y = 0.0;
        int label = 0;
        point(u, z, x, y, label);
        set.points(i, 0) = x;
        set.points(i, 1) = y;
        set.labels[std::size_t(i)] = label;
    }
    return set;
}

} // namespace

PointSet makeMoons(Index n, double noise, std::uint64_t seed) {
    return generate("moons", n, noise, seed,
                    [noise](auto& u, auto& z, double& x, double& y, int& label) {
                        label = datasets::pick(u[0], 2);
                        const double a = kPi * u[1];
                        x = label == 0 ? std::cos(a) : 1.0 - std::cos(a);
                        y = label == 0 ? std::sin(a) : 0.5 - std::sin(a);
                        x = (x + noise * z[0] - kMoonsCentreX) * kMoonsScale;
                        y = (y + noise * z[1] - kMoonsCentreY) * kMoonsScale;
                    });
}

PointSet makeSwissroll(Index n, double noise, std::uint64_t seed) {
    return generate("swissroll", n, noise, seed,
                    [noise](auto& u, auto& z, double& x, double& y, int& label) {
                        const double t = 1.5 * kPi * (1.0 + 2.0 * u[0]);
                        x = (t * std::cos(t) + noise * z[0]) * kSwissrollScale;
                        y = (t * std::sin(t) + noise * z[1]) * kSwissrollScale;
                        label = 0;
                    });
}

PointSet makeCheckerboard(Index n, double noise, std::uint64_t seed) {
    return generate("checkerboard", n, noise, seed,
                    [noise](auto& u, auto& z, double& x, double& y, int& label) {
                        // Dark square k (row-major among (col + row) even): row = k / 2, col = 2 (k
                        // % 2) + row % 2.
                        label = datasets::pick(u[0], 8);
                        const int row = label / 2;
                        const int col = 2 * (label % 2) + row % 2;
                        x = col - 2.0 + u[1] + noise * z[0];
                        y = row - 2.0 + u[2] + noise * z[1];
                    });
}

PointSet makeRings(Index n, double noise, std::uint64_t seed) {
    return generate("rings", n, noise, seed,
                    [noise](auto& u, auto& z, double& x, double& y, int& label) {
                        static constexpr double radii[] = {0.5, 1.0, 1.5};
                        label = datasets::pick(u[0], 3);
                        const double a = 2.0 * kPi * u[1];
                        x = radii[label] * std::cos(a) + noise * z[0];
                        y = radii[label] * std::sin(a) + noise * z[1];
                    });
}

PointSet makeSpirals(Index n, double noise, std::uint64_t seed) {
    return generate("spirals", n, noise, seed,
                    [noise](auto& u, auto& z, double& x, double& y, int& label) {
                        label = datasets::pick(u[0], 2);
                        const double theta = 3.0 * kPi * std::sqrt(u[1]);
                        const double r = theta * 2.0 / (3.0 * kPi);
                        const double sign = label == 0 ? 1.0 : -1.0;
                        x = -sign * r * std::cos(theta) + noise * z[0];
                        y = sign * r * std::sin(theta) + noise * z[1];
                    });
}

PointSet makePinwheel(Index n, double noise, std::uint64_t seed) {
    return generate(
        "pinwheel", n, noise, seed, [noise](auto& u, auto& z, double& x, double& y, int& label) {
            // make_pinwheel_data: features (1 + radial z0, tangential z1) rotated by
            // arm angle + rate * exp(feature 0), as einsum('ti,tij->tj') with [[c, -s], [s, c]].
            label = datasets::pick(u[0], kPinwheelArms);
            const double f0 = 1.0 + kPinwheelRadialStd * z[0];
            const double f1 = noise * z[1];
            const double angle = 2.0 * kPi * label / kPinwheelArms + kPinwheelRate * std::exp(f0);
            const double c = std::cos(angle), s = std::sin(angle);
            x = (f0 * c + f1 * s) * kPinwheelScale;
            y = (-f0 * s + f1 * c) * kPinwheelScale;
        });
}

} // namespace dfs
