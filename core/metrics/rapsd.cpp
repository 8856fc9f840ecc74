// RAPSD by a direct separable orthonormal DFT, and the noise-takeover frequency.
#include "core/metrics/rapsd.hpp"

#include "core/errors.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <complex>
#include <fmt/format.h>
#include <numbers>

namespace dfs {
namespace {

using ComplexMatrix = Eigen::Matrix<std::complex<double>, Eigen::Dynamic, Eigen::Dynamic>;

void checkImages(const Matrix& images, int side, const char* what) {
    if (side < 2) throw UsageError(fmt::format("{}: image side {} is below 2", what, side));
    const Index pixels = Index(side) * Index(side);
    if (images.cols() != pixels)
        throw UsageError(fmt::format("{}: images have {} columns, but side {} needs {} * {} = {}",
                                     what, images.cols(), side, side, side, pixels));
    for (Index r = 0; r < images.rows(); ++r)
        if (!images.row(r).allFinite())
            throw DataError(fmt::format("{}: image {} has a pixel that is not finite", what, r));
}

/// DFT matrix W(k, j) = exp(-2 pi i k j / n); k j is reduced mod n first so that every twiddle
/// is one of the n roots of unity, computed to full precision.
ComplexMatrix dftMatrix(int n) {
    ComplexMatrix w(n, n);
    for (int k = 0; k < n; ++k)
        for (int j = 0; j < n; ++j)
            w(k, j) = std::polar(1.0, -2.0 * std::numbers::pi * double((k * j) % n) / double(n));
    return w;
}

/// Signed frequency of DFT index a: a for a <= n/2, a - n above (a = n/2 has |a| = n/2 either way).
int signedFrequency(int a, int n) {
    return a <= n / 2 ? a : a - n;
}

} // namespace

Matrix powerSpectrum(const Matrix& images, int side) {
    checkImages(images, side, "powerSpectrum");
    const ComplexMatrix w = dftMatrix(side);
    const double norm = 1.0 / (double(side) * double(side));
    Matrix out(images.rows(), images.cols());
    ComplexMatrix pixels(side, side);
    for (Index r = 0; r < images.rows(); ++r) {
        for (int y = 0; y < side; ++y)
            for (int x = 0; x < side; ++x) pixels(y, x) = images(r, Index(y) * side + x);
        // Separable 2-D DFT: F = W X W (W is symmetric); |F_ortho|^2 = |W X W|^2 / n^2.
        const ComplexMatrix f = w * pixels * w;
        for (int ky = 0; ky < side; ++ky)
            for (int kx = 0; kx < side; ++kx)
                out(r, Index(ky) * side + kx) = std::norm(f(ky, kx)) * norm;
    }
    return out;
}

Rapsd rapsd(const Matrix& images, int side) {
    checkImages(images, side, "rapsd");
    if (images.rows() == 0) throw UsageError("rapsd: no images to average over");
    const int maxRadius = side / 2;
    // Annulus of each coefficient: round(|k|) with signed kx, ky; -1 for DC and the corners.
    std::vector<int> bin(std::size_t(side) * std::size_t(side), -1);
    Rapsd out;
    out.count.assign(std::size_t(maxRadius), 0);
    for (int ky = 0; ky < side; ++ky) {
        for (int kx = 0; kx < side; ++kx) {
            const int sy = signedFrequency(ky, side), sx = signedFrequency(kx, side);
            const int r = int(std::lround(std::sqrt(double(sx * sx + sy * sy))));
            if (r < 1 || r > maxRadius) continue;
            bin[std::size_t(ky) * std::size_t(side) + std::size_t(kx)] = r - 1;
            ++out.count[std::size_t(r - 1)];
        }
    }
    const Matrix power = powerSpectrum(images, side);
    const Eigen::RowVectorXd meanPower = power.colwise().mean();
    out.power.assign(std::size_t(maxRadius), 0.0);
    for (std::size_t c = 0; c < bin.size(); ++c)
        if (bin[c] >= 0) out.power[std::size_t(bin[c])] += meanPower(Index(c));
    out.frequency.resize(std::size_t(maxRadius));
    for (int r = 1; r <= maxRadius; ++r) {
        out.frequency[std::size_t(r - 1)] = r;
        out.power[std::size_t(r - 1)] /= out.count[std::size_t(r - 1)];
    }
    out.dcPower = meanPower(0);
    return out;
}

std::optional<double> noiseTakeoverFrequency(const Rapsd& data, double alpha, double sigma) {
    if (!std::isfinite(alpha) || alpha < 0)
        throw UsageError(
            fmt::format("noiseTakeoverFrequency: alpha {} is not a finite value >= 0", alpha));
    if (!std::isfinite(sigma) || sigma < 0)
        throw UsageError(
            fmt::format("noiseTakeoverFrequency: sigma {} is not a finite value >= 0", sigma));
    if (data.frequency.empty() || data.frequency.size() != data.power.size())
        throw UsageError(fmt::format("noiseTakeoverFrequency: the RAPSD has {} frequencies and {} "
                                     "power values (needs the same number, at least one)",
                                     data.frequency.size(), data.power.size()));
    // Dieleman 2024: frequency f is drowned once alpha^2 R[x0](f) < sigma^2 R[eps](f), R[eps] = 1.
    for (std::size_t i = 0; i < data.frequency.size(); ++i)
        if (alpha * alpha * data.power[i] < sigma * sigma) return data.frequency[i];
    return std::nullopt;
}

} // namespace dfs
