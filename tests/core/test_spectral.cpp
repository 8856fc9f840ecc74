// Tests of the spectral perspective (core/metrics/rapsd.hpp, core/metrics/dct_snr.hpp): the RAPSD
// of white noise is flat at its variance, E R[x_t] = alpha^2 R[x0] + sigma^2 on smooth synthetic
// images (diffusion-math.md Section 4.5), a sinusoid's power sits at its radius, the DCT-II is
// orthonormal and matches its defining sum, reveal times follow the variances and the schedule's
// log-SNR, and bad shapes are refused with a message that names them.
#include "core/metrics/dct_snr.hpp"
#include "core/metrics/rapsd.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

using namespace dfs;

namespace {

constexpr double kPi = std::numbers::pi;

/// One pass of the circular binomial blur [1 2 1] / 4 along x and along y of a side x side image.
Matrix blurOnce(const Matrix& images, int n) {
    Matrix out(images.rows(), images.cols());
    for (Index r = 0; r < images.rows(); ++r) {
        Eigen::VectorXd tmp(n * n);
        const auto at = [&](int y, int x) { return images(r, ((y + n) % n) * n + (x + n) % n); };
        for (int y = 0; y < n; ++y)
            for (int x = 0; x < n; ++x)
                tmp(y * n + x) = 0.25 * at(y, x - 1) + 0.5 * at(y, x) + 0.25 * at(y, x + 1);
        const auto tv = [&](int y, int x) { return tmp(((y + n) % n) * n + x); };
        for (int y = 0; y < n; ++y)
            for (int x = 0; x < n; ++x)
                out(r, y * n + x) = 0.25 * tv(y - 1, x) + 0.5 * tv(y, x) + 0.25 * tv(y + 1, x);
    }
    return out;
}

/// Smooth synthetic images: white noise blurred twice (power ~ cos^8 of half the frequency per
/// axis, so it falls by orders of magnitude from low to high frequency), scaled by 3, plus a
/// random low-frequency cosine and a mean brightness of 0.5.
Matrix smoothImages(std::uint64_t seed, Index rows, int n) {
    Matrix x = 3.0 * blurOnce(blurOnce(test::normals(seed, rows, n * n), n), n);
    const Matrix amp = test::normals(seed + 1, rows, 2);
    for (Index r = 0; r < rows; ++r)
        for (int y = 0; y < n; ++y)
            for (int px = 0; px < n; ++px)
                x(r, y * n + px) +=
                    0.5 + amp(r, 0) * std::cos(2 * kPi * (px + 2.0 * y) / n + amp(r, 1));
    return x;
}

/// rows copies of the cosine A cos(2 pi (kx x + ky y) / n + phase).
Matrix cosineImages(int n, int kx, int ky, double amplitude, double phase, Index rows = 1) {
    Matrix x(rows, n * n);
    for (int y = 0; y < n; ++y)
        for (int px = 0; px < n; ++px)
            x.col(y * n + px)
                .setConstant(amplitude * std::cos(2 * kPi * (kx * px + ky * y) / n + phase));
    return x;
}

} // namespace

TEST_CASE("rapsd: white Gaussian noise is flat at its variance", "[spectral]") {
    for (int n : {7, 8, 16}) {
        const double s = 0.7;
        const Matrix noise = s * test::normals(700 + n, 3000, n * n);
        const Rapsd r = rapsd(noise, n);
        REQUIRE(r.frequency.size() == std::size_t(n / 2));
        REQUIRE(r.power.size() == std::size_t(n / 2));
        // Every annulus holds at least 4 independent complex coefficients over 3000 images: the
        // relative standard error is below 1/sqrt(4 * 3000) ~ 0.9 %.
        for (std::size_t i = 0; i < r.power.size(); ++i) {
            INFO("side " << n << " radius " << r.frequency[i] << " count " << r.count[i]);
            CHECK(r.frequency[i] == double(i + 1));
            CHECK(r.count[i] > 0);
            CHECK(r.power[i] == Approx(s * s).epsilon(0.04));
        }
        // DC is real: chi^2 with 1 degree of freedom, relative error sqrt(2/3000) ~ 2.6 %.
        CHECK(r.dcPower == Approx(s * s).epsilon(0.12));
    }
}

TEST_CASE("rapsd: per-image power spectrum obeys Parseval", "[spectral]") {
    for (int n : {5, 8, 16}) {
        const Matrix x = smoothImages(40 + n, 6, n);
        const Matrix p = powerSpectrum(x, n);
        REQUIRE(p.rows() == x.rows());
        REQUIRE(p.cols() == x.cols());
        for (Index r = 0; r < x.rows(); ++r)
            CHECK(p.row(r).sum() == Approx(x.row(r).squaredNorm()).epsilon(1e-12));
        // DC power is side^2 * mean^2.
        CHECK(p(0, 0) == Approx(n * n * std::pow(x.row(0).mean(), 2)).epsilon(1e-12));
    }
}

TEST_CASE("rapsd: the power of a pure sinusoid sits at its radius", "[spectral]") {
    struct Case {
        int n, kx, ky, radius;
        double phase;
        bool nyquist;
    };
    // (3, 4) has |k| = 5; (2, 2) has |k| = 2.83 -> 3; (-1, 2) has |k| = 2.24 -> 2; (8, 0) is the
    // Nyquist frequency of side 16, its own mirror image, so only the cosine part survives.
    for (const Case c : {Case{16, 3, 4, 5, 0.4, false}, Case{16, 2, 2, 3, 1.1, false},
                         Case{8, -1, 2, 2, -0.3, false}, Case{16, 8, 0, 8, 0.0, true}}) {
        INFO("side " << c.n << " k = (" << c.kx << ", " << c.ky << ")");
        const double a = 1.7;
        const Rapsd r = rapsd(cosineImages(c.n, c.kx, c.ky, a, c.phase, 3), c.n);
        const auto peak = std::max_element(r.power.begin(), r.power.end()) - r.power.begin();
        CHECK(r.frequency[std::size_t(peak)] == c.radius);
        // Orthonormal DFT: |F(+-k)|^2 = A^2 n^2 / 4 at each of the two mirror coefficients (A^2 n^2
        // at the one Nyquist coefficient), spread over the annulus' count.
        const int i = c.radius - 1;
        const double total = c.nyquist ? a * a * c.n * c.n : a * a * c.n * c.n / 2;
        CHECK(r.power[std::size_t(i)] * r.count[std::size_t(i)] == Approx(total).epsilon(1e-10));
        for (std::size_t j = 0; j < r.power.size(); ++j)
            if (int(j) != i) CHECK(std::abs(r.power[j]) < 1e-20 * total);
        CHECK(std::abs(r.dcPower) < 1e-20 * total);
    }
}

TEST_CASE("rapsd: E R[x_t] = alpha^2 R[x0] + sigma^2 on smooth images", "[spectral]") {
    const int n = 16;
    const Matrix x0 = smoothImages(11, 2000, n);
    const Rapsd r0 = rapsd(x0, n);
    // The data are structured: power falls by orders of magnitude from f = 1 to f = n/2.
    CHECK(r0.power.front() > 1e3 * r0.power.back());
    for (const auto& [name, t] : {std::pair{"rf", 0.2}, std::pair{"rf", 0.5}, std::pair{"rf", 0.85},
                                  std::pair{"vp-linear", 0.3}, std::pair{"ve", 0.5}}) {
        const auto sch = makeSchedule(name);
        const double alpha = sch->alpha(t), sigma = sch->sigma(t);
        const Matrix xt = alpha * x0 + sigma * test::normals(12, x0.rows(), n * n);
        const Rapsd rt = rapsd(xt, n);
        // Per independent coefficient the relative spread of |F(x_t)|^2 around its mean is at most
        // 1; each annulus averages >= 4 * 2000 of them, so 5 % is over four standard errors.
        for (std::size_t i = 0; i < rt.power.size(); ++i) {
            INFO(name << " t " << t << " radius " << rt.frequency[i]);
            CHECK(rt.power[i] == Approx(alpha * alpha * r0.power[i] + sigma * sigma).epsilon(0.05));
        }
        // DC is one real coefficient per image (about 2.5 % standard error here): a looser bound.
        CHECK(rt.dcPower == Approx(alpha * alpha * r0.dcPower + sigma * sigma).epsilon(0.1));
    }
}

TEST_CASE("rapsd: noise-takeover frequency", "[spectral]") {
    Rapsd r;
    r.frequency = {1, 2, 3, 4};
    r.power = {10, 1, 0.1, 0.01};
    r.count = {8, 12, 16, 20};
    CHECK(noiseTakeoverFrequency(r, 1.0, std::sqrt(20.0)) == 1.0);
    CHECK(noiseTakeoverFrequency(r, 1.0, std::sqrt(2.0)) == 2.0);
    CHECK(noiseTakeoverFrequency(r, 1.0, std::sqrt(0.5)) == 3.0);
    CHECK(noiseTakeoverFrequency(r, 1.0, 0.2) == 4.0);
    CHECK(noiseTakeoverFrequency(r, 2.0, 0.4) == 4.0); // only alpha^2 R / sigma^2 matters
    // The noise never overtakes: no frequency returned.
    CHECK_FALSE(noiseTakeoverFrequency(r, 1.0, 0.05).has_value());
    CHECK_FALSE(noiseTakeoverFrequency(r, 1.0, 0.0).has_value());
    // Pure noise: the lowest frequency is already drowned.
    CHECK(noiseTakeoverFrequency(r, 0.0, 1.0) == 1.0);
    // A non-monotone spectrum: the smallest drowned frequency, even if a higher one is not.
    r.power = {10, 0.1, 5, 0.01};
    CHECK(noiseTakeoverFrequency(r, 1.0, 1.0) == 2.0);

    // On smooth data under rectified flow: the takeover frequency never rises as t grows, and it
    // splits the spectrum where alpha^2 R = sigma^2.
    const Rapsd data = rapsd(smoothImages(21, 400, 16), 16);
    const auto rf = makeSchedule("rf");
    double previous = std::numeric_limits<double>::infinity();
    for (double t : {0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0}) {
        const double a = rf->alpha(t), s = rf->sigma(t);
        const std::optional<double> f = noiseTakeoverFrequency(data, a, s);
        const double value = f.value_or(std::numeric_limits<double>::infinity());
        INFO("t " << t << " takeover " << value);
        CHECK(value <= previous);
        previous = value;
        for (std::size_t i = 0; i < data.frequency.size(); ++i) {
            if (data.frequency[i] < value) CHECK(a * a * data.power[i] >= s * s);
            if (data.frequency[i] == value) CHECK(a * a * data.power[i] < s * s);
        }
    }
    CHECK(previous == 1.0); // t = 1: alpha = 0
}

TEST_CASE("dct: orthonormal, invertible, and equal to its defining sum", "[spectral]") {
    for (int n : {5, 8}) {
        const Matrix x = test::normals(30 + n, 20, n * n);
        const Matrix c = dctCoefficients(x, n);
        REQUIRE(c.rows() == x.rows());
        REQUIRE(c.cols() == x.cols());
        for (Index r = 0; r < x.rows(); ++r)
            CHECK(c.row(r).squaredNorm() == Approx(x.row(r).squaredNorm()).epsilon(1e-12));
        CHECK((inverseDct(c, n) - x).cwiseAbs().maxCoeff() < 1e-12);
        // Ahmed et al. 1974 eq. 1 with orthonormal scaling, summed directly.
        const auto scale = [n](int u) { return std::sqrt((u == 0 ? 1.0 : 2.0) / n); };
        for (int u = 0; u < n; ++u)
            for (int v = 0; v < n; ++v) {
                double sum = 0;
                for (int y = 0; y < n; ++y)
                    for (int px = 0; px < n; ++px)
                        sum += x(3, y * n + px) * std::cos(kPi * (2 * y + 1) * u / (2.0 * n)) *
                               std::cos(kPi * (2 * px + 1) * v / (2.0 * n));
                CHECK(c(3, u * n + v) == Approx(scale(u) * scale(v) * sum).margin(1e-12));
            }
    }
    // A constant image has only DC, equal to side * value.
    const Matrix flat = Matrix::Constant(1, 64, 0.3);
    const Matrix cf = dctCoefficients(flat, 8);
    CHECK(cf(0, 0) == Approx(8 * 0.3));
    CHECK(cf.rightCols(63).cwiseAbs().maxCoeff() < 1e-14);
}

TEST_CASE("dct: white noise has unit-scaled variance in every coefficient", "[spectral]") {
    const double s = 1.3;
    const Matrix c = dctCoefficients(s * test::normals(50, 4000, 64), 8);
    const Vector var = coefficientVariance(c);
    REQUIRE(var.size() == 64);
    // Relative standard error of a variance from 4000 normals: sqrt(2/4000) ~ 2.2 %.
    for (Index k = 0; k < 64; ++k) {
        INFO("coefficient " << k);
        CHECK(var(k) == Approx(s * s).epsilon(0.1));
    }
    // Centred: a constant offset does not change the variance.
    const Vector shifted = coefficientVariance((c.array() + 5.0).matrix());
    CHECK((shifted - var).cwiseAbs().maxCoeff() < 1e-9);
}

TEST_CASE("dct: reveal times follow the variances and the schedule's log-SNR", "[spectral]") {
    Vector var(6);
    var << 30, 4, 1, 0.25, 0.1, 0.01;
    for (const char* name : {"vp-linear", "cosine", "ve", "edm", "rf"}) {
        INFO(name);
        const auto sch = makeSchedule(name);
        const Vector t = revealTimes(var, *sch);
        for (Index k = 0; k < t.size(); ++k) {
            CHECK(t(k) >= 0);
            CHECK(t(k) <= 1);
        }
        // Higher variance, revealed earlier in sampling: larger t.
        for (Index k = 0; k + 1 < t.size(); ++k) CHECK(t(k) > t(k + 1));
        // A unit-variance coefficient is revealed where logSnr(t) = 0.
        CHECK(std::abs(sch->logSnr(t(2))) < 1e-6);
        // At each (unclamped) reveal time the coefficient's SNR is 1.
        for (Index k = 0; k < var.size(); ++k) {
            const Vector snr = coefficientSnr(var, *sch, t(k));
            CHECK(snr(k) == Approx(1.0).epsilon(1e-6));
        }
        // Clamping: zero variance is revealed at t = 0, a huge one at t = 1.
        Vector extreme(2);
        extreme << 0.0, 1e30;
        const Vector te = revealTimes(extreme, *sch);
        CHECK(te(0) == 0.0);
        CHECK(te(1) == Approx(1.0));
    }
    // On smooth images the low-frequency coefficients carry more variance and are revealed first.
    const auto vp = makeSchedule("vp-linear");
    const Vector dataVar = coefficientVariance(dctCoefficients(smoothImages(60, 1000, 8), 8));
    const Vector t = revealTimes(dataVar, *vp);
    CHECK(t(0 * 8 + 1) > t(7 * 8 + 7));
    CHECK(t(1 * 8 + 0) > t(4 * 8 + 4));
    for (Index i = 0; i < 64; ++i)
        for (Index j = 0; j < 64; ++j)
            if (dataVar(i) > dataVar(j)) CHECK(t(i) >= t(j));
}

TEST_CASE("spectral: coefficient SNR", "[spectral]") {
    const auto vp = makeSchedule("vp-linear");
    Vector var(3);
    var << 2.0, 0.5, 0.0;
    const double t = 0.4, a = vp->alpha(t), s = vp->sigma(t);
    const Vector snr = coefficientSnr(var, *vp, t);
    CHECK(snr(0) == Approx(a * a * 2.0 / (s * s)));
    CHECK(snr(1) == Approx(a * a * 0.5 / (s * s)));
    CHECK(snr(2) == 0.0);
    const Vector atZero = coefficientSnr(var, *makeSchedule("rf"), 0.0);
    CHECK(atZero(0) == std::numeric_limits<double>::infinity());
    CHECK(atZero(2) == 0.0);
}

TEST_CASE("spectral: bad input is refused with a message naming it", "[spectral]") {
    using test::contains;
    using test::errorOf;
    const Matrix tenCols = Matrix::Zero(3, 10);
    std::string msg = errorOf<UsageError>([&] { rapsd(tenCols, 3); });
    CHECK(contains(msg, "rapsd"));
    CHECK(contains(msg, "10 columns"));
    CHECK(contains(msg, "side 3"));
    msg = errorOf<UsageError>([&] { powerSpectrum(Matrix::Zero(2, 1), 1); });
    CHECK(contains(msg, "side 1 is below 2"));
    msg = errorOf<UsageError>([&] { dctCoefficients(tenCols, 3); });
    CHECK(contains(msg, "dctCoefficients"));
    CHECK(contains(msg, "10 columns"));
    msg = errorOf<UsageError>([&] { dctCoefficients(Matrix::Zero(1, 1), 1); });
    CHECK(contains(msg, "side 1 is below 2"));
    msg = errorOf<UsageError>([&] { inverseDct(Matrix::Zero(1, 63), 8); });
    CHECK(contains(msg, "63 columns"));
    msg = errorOf<UsageError>([&] { rapsd(Matrix(0, 16), 4); });
    CHECK(contains(msg, "no images"));
    msg = errorOf<UsageError>([&] { coefficientVariance(Matrix(0, 64)); });
    CHECK(contains(msg, "no rows"));

    Matrix withNan = Matrix::Zero(3, 16);
    withNan(2, 5) = std::numeric_limits<double>::quiet_NaN();
    msg = errorOf<DataError>([&] { rapsd(withNan, 4); });
    CHECK(contains(msg, "image 2"));
    msg = errorOf<DataError>([&] { dctCoefficients(withNan, 4); });
    CHECK(contains(msg, "row 2"));

    const auto rf = makeSchedule("rf");
    Vector bad(3);
    bad << 1.0, -0.5, 2.0;
    msg = errorOf<UsageError>([&] { revealTimes(bad, *rf); });
    CHECK(contains(msg, "coefficient 1"));
    msg = errorOf<UsageError>([&] { coefficientSnr(Vector::Ones(2), *rf, 1.5); });
    CHECK(contains(msg, "time 1.5"));

    Rapsd r;
    r.frequency = {1, 2};
    r.power = {1};
    CHECK(contains(errorOf<UsageError>([&] { noiseTakeoverFrequency(r, 1, 1); }), "2 frequencies"));
    r.power = {1, 2};
    CHECK(contains(errorOf<UsageError>([&] { noiseTakeoverFrequency(r, 1, -1); }), "sigma -1"));
}
