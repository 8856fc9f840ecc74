// Per-coefficient signal-to-noise ratio of small images in the orthonormal 2-D DCT-II basis, and
// each coefficient's reveal time: the spectral perspective at 8x8, where a RAPSD has only a few
// radial bins (diffusion-math.md Section 1.7, "Images"; Dieleman 2024, "Diffusion is spectral
// autoregression").
//
// Conventions. An image of side n is one row of a Matrix with n * n pixels, pixel (y, x) at column
// y * n + x; its coefficients use the same layout, coefficient (u, v) (u vertical, v horizontal
// frequency) at column u * n + v. The transform is orthonormal, so eps ~ N(0, I) has unit-variance
// coefficients and x_t = alpha x0 + sigma eps gives c_k(x_t) = alpha c_k(x0) + sigma eps_k.
#pragma once

#include "core/types.hpp"

namespace dfs {

class Schedule;

/// Orthonormal 2-D DCT-II of each image (Ahmed, Natarajan & Rao 1974, "Discrete cosine
/// transform", eq. 1, with the orthonormal scaling): C = B X B^T with
///   B(u, j) = c_u cos(pi (2 j + 1) u / (2 n)),  c_0 = sqrt(1/n), c_u = sqrt(2/n) for u > 0.
/// One row of coefficients per image. Sum of squares is preserved (Parseval).
/// Throws UsageError when side < 2 or images.cols() != side * side; DataError on a non-finite
/// pixel (naming the image row).
Matrix dctCoefficients(const Matrix& images, int side);

/// Inverse of dctCoefficients: X = B^T C B (B is orthogonal). Same contract on the shape.
Matrix inverseDct(const Matrix& coefficients, int side);

/// Per-coefficient variance over a data set (one row of coefficients per image): the centred
/// variance var_k = mean_i (c_ik - mean_i c_ik)^2 with divisor N. Centred, so a coefficient that
/// is constant over the data (e.g. a fixed mean brightness in DC) has nothing left to reveal; this
/// is the P(k) of the Wiener-filter denoiser of diffusion-math.md Section 1.7.
/// Throws UsageError when there are no rows; DataError on a non-finite value.
Vector coefficientVariance(const Matrix& coefficients);

/// Per-coefficient SNR at time t: SNR_k(t) = alpha(t)^2 var_k / sigma(t)^2 (the SNR of Kingma et
/// al. 2021, "Variational diffusion models", eq. 2, times the coefficient's variance). A zero
/// variance gives 0; a positive one at sigma(t) = 0 gives +inf.
/// Throws UsageError when t is outside [0, 1] or a variance is negative or not finite.
Vector coefficientSnr(const Vector& variance, const Schedule& schedule, double t);

/// Each coefficient's reveal time t*_k, where SNR_k(t) = 1: log SNR_k = logSnr(t) + log var_k = 0,
/// so t*_k = schedule.tFromLogSnr(-log var_k), clamped to [0, 1]. Larger variances are revealed
/// earlier in sampling (larger t*). A zero variance, or one too small to reach SNR 1 even at
/// t = 0 (a schedule with sigma(0) > 0), gives 0; one with SNR_k(1) >= 1 gives 1.
/// Throws UsageError when a variance is negative or not finite (naming the coefficient).
Vector revealTimes(const Vector& variance, const Schedule& schedule);

} // namespace dfs
