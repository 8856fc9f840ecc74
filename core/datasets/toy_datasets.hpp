// The non-Gaussian 2D toy datasets: moons, swissroll, checkerboard, rings, spirals, pinwheel.
// Each is a pure function of (n, noise, seed); point i draws its uniforms and normals from
// Philox (see dataset_random.hpp). `noise` is the standard deviation of isotropic Gaussian
// jitter unless stated otherwise, in the units named below. Scale constants put each set at
// roughly unit variance per axis so the same schedules and extents suit all of them.
#pragma once

#include "core/datasets/point_set.hpp"

#include <cstdint>

namespace dfs {

/// moons: sklearn's make_moons (Pedregosa et al. 2011, scikit-learn). Label 0: the upper half
/// circle (cos a, sin a); label 1: the lower one (1 - cos a, 1/2 - sin a), a uniform in [0, pi].
/// Jitter in those units, then x -> (x - kMoonsCentre) * kMoonsScale.
inline constexpr double kMoonsDefaultNoise = 0.05;
inline constexpr double kMoonsCentreX = 0.5, kMoonsCentreY = 0.25; ///< exact mean of the curves
/// Raw per-axis variances are 3/4 and 9/16 - 1/pi; this scale makes their mean about 1.
inline constexpr double kMoonsScale = 1.42;
PointSet makeMoons(Index n, double noise, std::uint64_t seed);

/// swissroll: the 2D swiss roll (x, z of sklearn's make_swiss_roll, Marsland 2009): t =
/// 1.5 pi (1 + 2u), (t cos t, t sin t) plus jitter in those units, times kSwissrollScale.
/// Label 0.
inline constexpr double kSwissrollDefaultNoise = 0.25;
inline constexpr double kSwissrollScale = 1.0 / 7.0; ///< raw per-axis variance is about 44..48
PointSet makeSwissroll(Index n, double noise, std::uint64_t seed);

/// checkerboard: uniform points in the 8 dark squares of a 4x4 board on [-2, 2]^2 (as in
/// Grathwohl et al. 2019, FFJORD, and Lipman et al. 2023, flow matching). Dark squares are
/// (col + row) even, col = floor(x + 2), row = floor(y + 2); label = index of the dark square
/// in row-major order (0..7). Optional jitter (default 0, so points stay in their squares).
inline constexpr double kCheckerboardDefaultNoise = 0.0;
PointSet makeCheckerboard(Index n, double noise, std::uint64_t seed);

/// rings: three concentric circles of radii 0.5, 1.0, 1.5 (a three-ring sklearn make_circles),
/// equally likely, angle uniform; label = ring (0 = innermost). Jitter in output units.
inline constexpr double kRingsDefaultNoise = 0.05;
PointSet makeRings(Index n, double noise, std::uint64_t seed);

/// spirals: two interleaved Archimedean spirals, the "2spirals" of FFJORD (Grathwohl et al.
/// 2019): theta = 3 pi sqrt(u) (uniform along the arc), r = theta * 2 / (3 pi), arm 0 at
/// r (-cos theta, sin theta), arm 1 its point reflection; labels 0/1. The radius scale makes
/// the per-axis variance exactly 1 before jitter. Jitter in output units.
inline constexpr double kSpiralsDefaultNoise = 0.05;
PointSet makeSpirals(Index n, double noise, std::uint64_t seed);

/// pinwheel: Johnson et al. 2016, "Composing graphical models with neural networks"
/// (make_pinwheel_data): 5 arms, radial std 0.3, rate 0.25, `noise` = tangential std (default
/// 0.05); output times kPinwheelScale. Label = arm.
inline constexpr double kPinwheelDefaultNoise = 0.05;
inline constexpr double kPinwheelRadialStd = 0.3;
inline constexpr double kPinwheelRate = 0.25;
inline constexpr int kPinwheelArms = 5;
inline constexpr double kPinwheelScale = 1.35; ///< raw per-axis variance is about 0.55
PointSet makePinwheel(Index n, double noise, std::uint64_t seed);

} // namespace dfs
