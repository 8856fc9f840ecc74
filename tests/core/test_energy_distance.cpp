// Tests of the energy distance (core/metrics/energy_distance.hpp; Szekely & Rizzo 2013):
// closed forms for small point sets, the 1D identity E = 2 int (F - G)^2, zero for identical
// samples, symmetry, invariances and growth with a shift.
#include "core/metrics/energy_distance.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace dfs;

TEST_CASE("energy distance: closed forms for small point sets", "[energy]") {
    // Two single points: E = 2|a - b| - 0 - 0.
    const Matrix a{{1.0, 2.0}}, b{{4.0, -2.0}};
    CHECK(energyDistance(a, b) == Approx(2 * 5.0));
    // {a} against {b1, b2}: V-statistic 2 (|a-b1| + |a-b2|)/2 - 0 - 2|b1-b2|/4.
    const Matrix bb{{4.0, -2.0}, {1.0, 5.0}};
    CHECK(energyDistance(a, bb) == Approx(5.0 + 3.0 - 0.5 * std::sqrt(9.0 + 49.0)));
    // 1D: {0, 1} against {0.5}: 2 * 0.5 - (0 + 1 + 1 + 0)/4 - 0 = 0.5.
    CHECK(energyDistance(Matrix{{0.0}, {1.0}}, Matrix{{0.5}}) == Approx(0.5));
}

TEST_CASE("energy distance: in 1D it equals 2 * integral of (F - G)^2", "[energy]") {
    // Szekely & Rizzo 2013, Prop. 1, applied to the two empirical CDFs (exact for the
    // V-statistic): integrate the squared CDF difference piecewise between sorted points.
    const Matrix x = test::normals(91, 37, 1), y = (0.7 * test::normals(92, 23, 1)).array() + 0.4;
    std::vector<double> all(x.data(), x.data() + x.size());
    all.insert(all.end(), y.data(), y.data() + y.size());
    std::sort(all.begin(), all.end());
    const auto cdf = [](const Matrix& m, double v) {
        return double((m.array() <= v).count()) / double(m.rows());
    };
    double integral = 0;
    for (std::size_t i = 0; i + 1 < all.size(); ++i) {
        const double diff = cdf(x, all[i]) - cdf(y, all[i]);
        integral += diff * diff * (all[i + 1] - all[i]);
    }
    CHECK(energyDistance(x, y) == Approx(2 * integral).epsilon(1e-10));
}

TEST_CASE("energy distance: zero for identical samples, positive when shifted", "[energy]") {
    const Matrix a = test::normals(93, 300, 2);
    CHECK(std::abs(energyDistance(a, a)) < 1e-12);
    double prev = 0;
    for (double shift : {0.1, 0.5, 2.0}) {
        Matrix b = a;
        b.col(0).array() += shift;
        const double e = energyDistance(a, b);
        INFO("shift " << shift << " energy " << e);
        CHECK(e > prev);
        prev = e;
    }
    // A large shift s: E -> 2 s - E|X - X'| - E|Y - Y'|, so E / s -> 2.
    Matrix far = a;
    far.col(1).array() += 1e4;
    CHECK(energyDistance(a, far) / 1e4 == Approx(2.0).epsilon(1e-3));
}

TEST_CASE("energy distance: symmetric, and invariant under rigid motions", "[energy]") {
    const Matrix a = test::normals(94, 120, 2);
    const Matrix b = (1.3 * test::normals(95, 90, 2)).array() + 0.2;
    const double e = energyDistance(a, b);
    CHECK(energyDistance(b, a) == Approx(e).epsilon(1e-12));
    Matrix rot(2, 2);
    const double c = std::cos(0.7), s = std::sin(0.7);
    rot << c, -s, s, c;
    const Matrix ra = (a * rot).rowwise() + Eigen::RowVector2d(3.0, -1.0);
    const Matrix rb = (b * rot).rowwise() + Eigen::RowVector2d(3.0, -1.0);
    CHECK(energyDistance(ra, rb) == Approx(e).epsilon(1e-10));
    // Scaling both samples by k scales E by k.
    CHECK(energyDistance(2.5 * a, 2.5 * b) == Approx(2.5 * e).epsilon(1e-12));
}
