// sin and cos by Cody-Waite reduction and Taylor polynomials, written so that GCC vectorises
// the loop (no calls, no branches but selects: std::floor or a clamp of x in the loop stop it).
//
// Reduction (Cody & Waite 1980, "Software Manual for the Elementary Functions", ch. 8):
// k = round(x 2/pi), r = x - k pi/2 with pi/2 split into three parts of 33 bits (the constants of
// fdlibm's __ieee754_rem_pio2), so k P1 and k P2 are exact for |k| < 2^20 and |r| <= pi/4.
// On |r| <= pi/4 the Taylor series sin r = sum (-1)^j r^(2j+1) / (2j+1)! to r^17 and
// cos r = sum (-1)^j r^(2j) / (2j)! to r^16 leave remainders below 2e-18. Then by the quadrant
// q = k mod 4: sin x = (sin r, cos r, -sin r, -cos r)[q], cos x = (cos r, -sin r, -cos r, sin
// r)[q].
#include "core/sincos.hpp"

#include "core/multiversion.hpp"

#include <cmath>

namespace dfs {

namespace {
constexpr double kP1 = 1.57079632673412561417e+00; // first 33 bits of pi/2
constexpr double kP2 = 6.07710050630396597660e-11; // next 33 bits
constexpr double kP3 = 2.02226624879595063154e-21; // pi/2 - kP1 - kP2
constexpr double kTwoOverPi = 6.36619772367581382433e-01;
constexpr double kRound = 6755399441055744.0; // 1.5 2^52: y + kRound - kRound rounds y
constexpr double kLimit = 1e6;
} // namespace

DFS_MULTIVERSION void sinCos(const double* x, double* s, double* c, int n) {
    for (int i = 0; i < n; ++i) {
        const double v = x[i]; // |v| > kLimit: overwritten by the loop below
        const double k = (v * kTwoOverPi + kRound) - kRound;
        const double r = ((v - k * kP1) - k * kP2) - k * kP3;
        const double r2 = r * r;
        const double sr =
            r +
            r * r2 *
                (-1.0 / 6 + r2 * (1.0 / 120 +
                                  r2 * (-1.0 / 5040 +
                                        r2 * (1.0 / 362880 +
                                              r2 * (-1.0 / 39916800 +
                                                    r2 * (1.0 / 6227020800 +
                                                          r2 * (-1.0 / 1307674368000 +
                                                                r2 * (1.0 / 355687428096000))))))));
        const double cr =
            1.0 +
            r2 * (-0.5 +
                  r2 * (1.0 / 24 + r2 * (-1.0 / 720 +
                                         r2 * (1.0 / 40320 +
                                               r2 * (-1.0 / 3628800 +
                                                     r2 * (1.0 / 479001600 +
                                                           r2 * (-1.0 / 87178291200 +
                                                                 r2 * (1.0 / 20922789888000))))))));
        // q = k mod 4 in 0..3: k/4 - 3/8 rounded is floor(k/4) for integer k (std::floor
        // would keep GCC from vectorising the loop).
        const double q = k - 4.0 * ((k * 0.25 - 0.375 + kRound) - kRound);
        const bool odd = (q == 1.0) | (q == 3.0); // no short circuit: selects, not branches
        const double sAbs = odd ? cr : sr, cAbs = odd ? sr : cr;
        s[i] = (q >= 2.0 ? -1.0 : 1.0) * sAbs;
        c[i] = ((q == 1.0) | (q == 2.0) ? -1.0 : 1.0) * cAbs;
    }
    for (int i = 0; i < n; ++i)
        if (!(std::abs(x[i]) <= kLimit)) {
            s[i] = std::sin(x[i]);
            c[i] = std::cos(x[i]);
        }
}

} // namespace dfs
