// The vectorised sin/cos of the time embedding against the C library's, over the arguments the
// embedding can see (|250 c_noise| <= 1152) and beyond, with the quadrant boundaries.
#include "core/sincos.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using namespace dfs;

TEST_CASE("sinCos agrees with std::sin and std::cos to 2^-52", "[sincos]") {
    std::vector<double> x;
    for (int i = -200000; i <= 200000; ++i) x.push_back(0.00731 * i + 1e-3 * std::sin(i));
    for (int k = -2000; k <= 2000; ++k) // quadrant boundaries k pi/4 and their neighbours
        for (double d : {-1e-12, 0.0, 1e-12}) x.push_back(k * 0.7853981633974483 + d);
    for (double big : {3e5, -7.5e5, 1e6, 2e6, -1e9, 1e300}) x.push_back(big);
    std::vector<double> s(x.size()), c(x.size());
    sinCos(x.data(), s.data(), c.data(), int(x.size()));
    double worst = 0;
    long floatDiffers = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        worst = std::max({worst, std::abs(s[i] - std::sin(x[i])), std::abs(c[i] - std::cos(x[i]))});
        floatDiffers += float(s[i]) != float(std::sin(x[i]));
    }
    INFO("worst absolute error " << worst << ", float roundings differing " << floatDiffers);
    CHECK(worst <= 0x1p-52);
    CHECK(floatDiffers <= 2); // of 412,000: double errors this small rarely move a float
    const double nan = std::nan("");
    double sn = 0, cn = 0;
    sinCos(&nan, &sn, &cn, 1);
    CHECK(std::isnan(sn));
    CHECK(std::isnan(cn));
}
