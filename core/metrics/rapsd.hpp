// Radially averaged power spectral density (RAPSD) of square grayscale images, and the frequency
// where the noise of x_t = alpha x0 + sigma eps takes over the data's spectrum: the spectral
// perspective on diffusion (Dieleman 2024, "Diffusion is spectral autoregression"; Rissanen et
// al. 2023, "Generative modelling with inverse heat dissipation"; diffusion-math.md Section 1.7).
//
// Conventions. An image of side n is one row of a Matrix with n * n pixels in row-major order,
// pixel (y, x) at column y * n + x. F is the orthonormal 2-D DFT,
//   F(ky, kx) = (1/n) sum_{y,x} img(y, x) exp(-2 pi i (ky y + kx x) / n),
// so the power |F(k)|^2 equals |DFT(k)|^2 / n^2 for the unnormalised DFT, Parseval reads
// sum_k |F(k)|^2 = sum_p img(p)^2, and white noise of variance s^2 has E |F(k)|^2 = s^2 at every k
// (DC included). Hence, for x_t = alpha x0 + sigma eps with eps independent of x0 (Dieleman 2024;
// diffusion-math.md Sections 1.7 and 4.5),
//   E R[x_t](f) = alpha^2 R[x0](f) + sigma^2.
#pragma once

#include "core/types.hpp"

#include <optional>
#include <vector>

namespace dfs {

/// One RAPSD: power per integer radius, averaged over the DFT coefficients of the annulus and over
/// the images. DC (k = 0) is kept apart in `dcPower` so that log-log plots can leave it out.
struct Rapsd {
    /// Annulus radii r = 1 .. side/2 (integer division), in cycles per image side (r / side is
    /// cycles per pixel). Coefficients with round(|k|) > side/2 (the corners) are left out.
    std::vector<double> frequency;
    /// Mean |F(k)|^2 over the coefficients with round(sqrt(kx^2 + ky^2)) = r and over the images.
    std::vector<double> power;
    /// Number of DFT coefficients per image in each annulus (never 0).
    std::vector<int> count;
    /// Mean |F(0)|^2 over the images: side^2 * (mean pixel)^2, averaged.
    double dcPower = 0;
};

/// Per-image orthonormal power spectrum |F(ky, kx)|^2: one row per image, column ky * side + kx
/// with ky, kx in 0 .. side-1 (unshifted DFT order; index a stands for the signed frequency a or
/// a - side). Each row sums to the image's sum of squared pixels (Parseval). Direct separable DFT
/// with precomputed twiddles: O(side^3) per image, meant for side <= 32 or so.
/// Throws UsageError when side < 2 or images.cols() != side * side; DataError when a pixel is not
/// finite (naming the image row).
Matrix powerSpectrum(const Matrix& images, int side);

/// The RAPSD of a set of images: powerSpectrum averaged over annuli of integer radius
/// r = round(sqrt(kx^2 + ky^2)) (kx, ky signed) and arithmetically over all images, so that the
/// identity E R[x_t] = alpha^2 R[x0] + sigma^2 holds for the result. (A log-domain average, as
/// used for display in Dieleman 2024, can be built from per-image calls.)
/// Throws UsageError when there are no images, side < 2 or images.cols() != side * side;
/// DataError on a non-finite pixel.
Rapsd rapsd(const Matrix& images, int side);

/// The noise-takeover frequency at a noise level (alpha, sigma): the smallest frequency f of
/// `data` with alpha^2 R_data(f) < sigma^2, i.e. where the flat noise spectrum sigma^2 rises above
/// the scaled data spectrum (Dieleman 2024, f_max(t) at SNR threshold 1, diffusion-math.md 1.7).
/// Frequencies below it are still resolved at this noise level; for a decreasing spectrum all
/// frequencies from it upwards are drowned. Returns std::nullopt when it never happens (the noise
/// is below the signal at every frequency, e.g. sigma = 0); returns data.frequency.front() when
/// alpha = 0 < sigma. Throws UsageError when alpha or sigma is negative or not finite, or when
/// `data` is empty or its frequency and power sizes differ.
std::optional<double> noiseTakeoverFrequency(const Rapsd& data, double alpha, double sigma);

} // namespace dfs
