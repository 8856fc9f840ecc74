// Tests of the Philox4x32-10 generator (core/rng/philox.hpp) against the known-answer vectors
// of Salmon et al. 2011 (Random123 kat_vectors), and of the Gaussian noise layout
// (core/rng/noise.hpp): Box-Muller on the documented counters, moments within sampling error,
// reproducibility, independent substreams and independence from batching.
#include "core/rng/noise.hpp"
#include "core/rng/philox.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <vector>

using namespace dfs;

TEST_CASE("philox: Random123 known-answer vectors for philox4x32 with 10 rounds", "[philox]") {
    CHECK(philox4x32_10({0, 0, 0, 0}, {0, 0}) ==
          PhiloxCounter{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u});
    CHECK(philox4x32_10({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
                        {0xffffffffu, 0xffffffffu}) ==
          PhiloxCounter{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu});
    CHECK(philox4x32_10({0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
                        {0xa4093822u, 0x299f31d0u}) ==
          PhiloxCounter{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u});
}

TEST_CASE("philox: uniforms lie in the open interval (0, 1)", "[philox]") {
    CHECK(uniformOpen(0u) > 0.0);
    CHECK(uniformOpen(0u) == Approx(0.5 / 4294967296.0).epsilon(1e-15));
    CHECK(uniformOpen(0xffffffffu) < 1.0);
    CHECK(1.0 - uniformOpen(0xffffffffu) == Approx(0.5 / 4294967296.0).epsilon(1e-6));
}

TEST_CASE("philox: noise is Box-Muller on the documented counter layout", "[philox][noise]") {
    // key = the 64-bit seed (low word first), counter = {particle, step, substream, block};
    // normals 4b..4b+3 come from block b, Box-Muller on (u0, u1) and (u2, u3).
    const std::uint64_t seed = 0x0123456789abcdefull;
    const std::uint32_t particle = 5, step = 3, substream = 2;
    const Matrix z = gaussianNoise(seed, particle, 1, 7, step, substream);
    for (std::uint32_t block = 0; block < 2; ++block) {
        const PhiloxCounter r =
            philox4x32_10({particle, step, substream, block}, {0x89abcdefu, 0x01234567u});
        const auto u = [&](int j) { return (double(r[std::size_t(j)]) + 0.5) / 4294967296.0; };
        const double twoPi = 2.0 * std::numbers::pi;
        const double expect[4] = {std::sqrt(-2 * std::log(u(0))) * std::cos(twoPi * u(1)),
                                  std::sqrt(-2 * std::log(u(0))) * std::sin(twoPi * u(1)),
                                  std::sqrt(-2 * std::log(u(2))) * std::cos(twoPi * u(3)),
                                  std::sqrt(-2 * std::log(u(2))) * std::sin(twoPi * u(3))};
        for (int j = 0; j < 4 && 4 * int(block) + j < 7; ++j)
            CHECK(z(0, Index(4 * block) + j) == Approx(expect[j]).epsilon(1e-14).margin(1e-14));
    }
}

TEST_CASE("philox: Gaussian noise has mean 0, variance 1 and normal tails", "[philox][noise]") {
    // 50,000 particles x 4 dimensions. Each tolerance is 5 standard errors of its estimator:
    // mean: 1/sqrt(n); variance: sqrt(2/n); fourth moment: sqrt(Var z^4 / n) = sqrt(96/n);
    // P(|z| < 1) = 0.682689: sqrt(p (1 - p) / n); correlation of two columns: 1/sqrt(n).
    const Index rows = 50000, dim = 4;
    const Matrix z = gaussianNoise(2024, 0, rows, dim, 7, 0);
    REQUIRE(z.allFinite());
    const double n = double(z.size());
    const double mean = z.mean();
    const double var = (z.array() - mean).square().mean();
    const double m4 = z.array().pow(4).mean();
    const double inside = (z.array().abs() < 1.0).cast<double>().mean();
    INFO("mean " << mean << " var " << var << " m4 " << m4 << " P(|z|<1) " << inside);
    CHECK(std::abs(mean) < 5 / std::sqrt(n));
    CHECK(std::abs(var - 1) < 5 * std::sqrt(2 / n));
    CHECK(std::abs(m4 - 3) < 5 * std::sqrt(96 / n));
    const double p = std::erf(1 / std::numbers::sqrt2);
    CHECK(std::abs(inside - p) < 5 * std::sqrt(p * (1 - p) / n));
    // Each column (the cos and sin halves of Box-Muller) separately, and their correlations.
    const double nr = double(rows);
    for (Index c = 0; c < dim; ++c) {
        INFO("column " << c);
        const double m = z.col(c).mean();
        CHECK(std::abs(m) < 5 / std::sqrt(nr));
        CHECK(std::abs(z.col(c).squaredNorm() / nr - 1) < 5 * std::sqrt(2 / nr));
        for (Index c2 = c + 1; c2 < dim; ++c2)
            CHECK(std::abs(z.col(c).dot(z.col(c2)) / nr) < 5 / std::sqrt(nr));
    }
}

TEST_CASE("philox: noise is reproducible and streams are independent", "[philox][noise]") {
    const Index rows = 200, dim = 3;
    const Matrix a = gaussianNoise(11, 0, rows, dim, 4, 0);
    CHECK(a == gaussianNoise(11, 0, rows, dim, 4, 0));
    const Matrix others[] = {gaussianNoise(11, 0, rows, dim, 4, 1),                   // substream
                             gaussianNoise(11, 0, rows, dim, 5, 0),                   // step
                             gaussianNoise(12, 0, rows, dim, 4, 0),                   // seed
                             gaussianNoise(11ull | (1ull << 40), 0, rows, dim, 4, 0), // high bits
                             gaussianNoise(11, 0, rows, dim, kInitialNoiseStep, 0)};
    const double n = double(a.size());
    for (const Matrix& b : others) {
        // No coordinate repeats, and the two draws are uncorrelated (5 standard errors).
        CHECK((a.array() != b.array()).all());
        CHECK(std::abs((a.array() * b.array()).mean()) < 5 / std::sqrt(n));
    }
}

TEST_CASE("philox: particle i's noise does not depend on the batch", "[philox][noise]") {
    const Matrix all = gaussianNoise(99, 0, 300, 6, 2, 1);
    // Any row range requested on its own gives the same rows.
    CHECK(gaussianNoise(99, 37, 1, 6, 2, 1) == all.row(37));
    CHECK(gaussianNoise(99, 100, 150, 6, 2, 1) == all.middleRows(100, 150));
    CHECK(gaussianNoise(99, 0, 64, 6, 2, 1) == all.topRows(64));
    // Dimension d's value does not depend on how many dimensions were requested.
    CHECK(gaussianNoise(99, 0, 300, 3, 2, 1) == all.leftCols(3));
    CHECK(gaussianNoise(99, 0, 300, 4, 2, 1) == all.leftCols(4));
}

TEST_CASE("philox: the batched draws equal the one-block functions", "[philox][noise]") {
    // 70 rows x 5 blocks = 350 counters: more than one pass of the batched loop (256), and
    // particles that wrap past 2^32 - 1 to 0 as the one-block counter does.
    const std::uint64_t seed = 0xfeedbeef12345678ull;
    const std::uint32_t first = 0xffffffe0u, step = 9, substream = 4;
    const Index rows = 70;
    const int blocks = 5;
    std::vector<double> normals(std::size_t(rows * blocks * 4)), uniforms(std::size_t(rows * 4));
    philoxNormalRows(seed, first, rows, blocks, step, substream, normals.data());
    philoxUniformRows(seed, first, rows, step, substream, uniforms.data());
    for (Index r = 0; r < rows; ++r) {
        const auto particle = std::uint32_t(first + std::uint32_t(r));
        const auto u = philoxUniforms4(seed, particle, step, substream, 0);
        for (int j = 0; j < 4; ++j) CHECK(uniforms[std::size_t(4 * r + j)] == u[std::size_t(j)]);
        for (int b = 0; b < blocks; ++b) {
            const auto n = philoxNormals4(seed, particle, step, substream, std::uint32_t(b));
            for (int j = 0; j < 4; ++j) {
                INFO("row " << r << ", block " << b << ", j " << j);
                // The batched sin and cos (core/sincos.hpp) against libm's: a few ulps.
                CHECK(normals[std::size_t((r * blocks + b) * 4 + j)] ==
                      Approx(n[std::size_t(j)]).epsilon(1e-14).margin(1e-15));
            }
        }
    }
}
