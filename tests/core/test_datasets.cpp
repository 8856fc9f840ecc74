// Tests of the built-in datasets and of loading points from CSV (core/datasets).
#include "core/datasets/dataset_registry.hpp"
#include "core/datasets/gmm_datasets.hpp"
#include "core/datasets/toy_datasets.hpp"
#include "core/errors.hpp"

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <numbers>
#include <set>

namespace fs = std::filesystem;
using namespace dfs;
using dfs::test::contains;
using dfs::test::errorOf;

namespace {

/// Number of distinct labels each built-in dataset uses (0..count-1).
const std::map<std::string, int> kLabelCounts = {
    {"gmm8", 8},         {"gmm25", 25}, {"moons", 2},   {"swissroll", 1},
    {"checkerboard", 8}, {"rings", 3},  {"spirals", 2}, {"pinwheel", 5}};

PointSet make(const std::string& name, Index n, std::uint64_t seed, double noise = -1.0) {
    DatasetOptions opts;
    opts.n = n;
    opts.seed = seed;
    opts.noise = noise;
    return makeDataset(name, opts);
}

/// A fresh folder under the system temp folder, removed with its contents at scope exit.
struct TempDir {
    fs::path path;
    TempDir() {
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        path = fs::temp_directory_path() / ("dfs_test_datasets_" + std::to_string(stamp));
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream((path / name).string(), std::ios::binary) << text;
        return (path / name).string();
    }
};

} // namespace

TEST_CASE("datasets: the registry lists the eight built-ins", "[datasets]") {
    const auto& infos = builtinDatasets();
    REQUIRE(infos.size() == kLabelCounts.size());
    CHECK(infos.front().name == "gmm8");
    CHECK(infos.back().name == "pinwheel");
    for (const DatasetInfo& info : infos) {
        INFO(info.name);
        CHECK(kLabelCounts.count(info.name) == 1);
        CHECK(info.isGmm == (info.name.rfind("gmm", 0) == 0));
        CHECK(info.defaultNoise >= 0.0);
        CHECK_FALSE(info.description.empty());
    }
}

TEST_CASE("datasets: shape, labels, finiteness and spread of every built-in", "[datasets]") {
    const Index n = 20000;
    for (const DatasetInfo& info : builtinDatasets()) {
        INFO(info.name);
        const PointSet s = make(info.name, n, 7);
        CHECK(s.name == info.name);
        REQUIRE(s.size() == n);
        REQUIRE(s.dim() == 2);
        REQUIRE(s.labels.size() == std::size_t(n));
        CHECK(s.gmm.has_value() == info.isGmm);
        CHECK(s.points.allFinite());
        std::set<int> seen(s.labels.begin(), s.labels.end());
        CHECK(*seen.begin() == 0);
        CHECK(*seen.rbegin() == kLabelCounts.at(info.name) - 1);
        CHECK(int(seen.size()) == kLabelCounts.at(info.name));
        for (Index c = 0; c < 2; ++c) {
            const double mean = s.points.col(c).mean();
            const double var = (s.points.col(c).array() - mean).square().mean();
            INFO("axis " << c << " mean " << mean << " variance " << var);
            CHECK(var >= 0.3);
            CHECK(var <= 3.0);
            CHECK(std::abs(mean) < 1.0);
        }
    }
}

TEST_CASE("datasets: reproducible per seed, different across seeds", "[datasets]") {
    for (const DatasetInfo& info : builtinDatasets()) {
        INFO(info.name);
        const PointSet a = make(info.name, 500, 42);
        const PointSet b = make(info.name, 500, 42);
        const PointSet c = make(info.name, 500, 43);
        const PointSet big = make(info.name, 2000, (std::uint64_t(1) << 40) + 42);
        CHECK(a.points == b.points);
        CHECK(a.labels == b.labels);
        CHECK((a.points - c.points).cwiseAbs().maxCoeff() > 1e-3);
        CHECK((a.points - big.points.topRows(500)).cwiseAbs().maxCoeff() > 1e-3); // high seed bits
        // Point i depends on i only, not on n.
        const PointSet prefix = make(info.name, 200, 42);
        CHECK(prefix.points == a.points.topRows(200));
        // A negative noise is the default noise.
        const PointSet dflt = make(info.name, 300, 42, info.defaultNoise);
        CHECK(dflt.points == a.points.topRows(300));
        // Jitter grows the spread (noise acts on every dataset).
        const PointSet noisy = make(info.name, 300, 42, info.defaultNoise + 0.5);
        CHECK((noisy.points - dflt.points).cwiseAbs().maxCoeff() > 1e-2);
    }
}

TEST_CASE("datasets: gmm parameters match the samples", "[datasets][gmm]") {
    struct Expect {
        std::string name;
        int k;
        double stddev;
    };
    for (const Expect& e : {Expect{"gmm8", 8, kGmm8DefaultStd},
                            Expect{"gmm25", 25, kGmm25DefaultStd}, Expect{"gmm8", 8, 0.3}}) {
        INFO(e.name << " std " << e.stddev);
        const PointSet s = make(e.name, 50000, 3,
                                e.name == "gmm8" && e.stddev != kGmm8DefaultStd ? e.stddev : -1.0);
        REQUIRE(s.gmm.has_value());
        const GmmParams& g = *s.gmm;
        REQUIRE(g.size() == e.k);
        REQUIRE(g.dim() == 2);
        double total = 0.0;
        for (int c = 0; c < e.k; ++c) {
            total += g.weights[c];
            CHECK(g.weights[c] == Approx(1.0 / e.k));
            const Matrix expected = Matrix::Identity(2, 2) * (e.stddev * e.stddev);
            CHECK((g.covs[c] - expected).cwiseAbs().maxCoeff() < 1e-15);
            if (e.k == 8)
                CHECK(g.means[c].norm() == Approx(1.5));
            else
                for (int j = 0; j < 2; ++j) {
                    const double grid = g.means[c][j] / 0.7;
                    CHECK(std::abs(grid - std::round(grid)) < 1e-12);
                    CHECK(std::abs(grid) <= 2.0 + 1e-12);
                }
        }
        CHECK(total == Approx(1.0));

        for (int c = 0; c < e.k; ++c) {
            INFO("component " << c);
            std::vector<Index> rows;
            for (Index i = 0; i < s.size(); ++i)
                if (s.labels[std::size_t(i)] == c) rows.push_back(i);
            const double count = double(rows.size());
            // Component counts are Binomial(n, 1/k): within 5 standard deviations.
            const double p = 1.0 / e.k;
            CHECK(std::abs(count - 50000 * p) < 5 * std::sqrt(50000 * p * (1 - p)));
            for (int j = 0; j < 2; ++j) {
                double sum = 0.0, sq = 0.0;
                for (Index i : rows) sum += s.points(i, j);
                const double mean = sum / count;
                for (Index i : rows) sq += (s.points(i, j) - mean) * (s.points(i, j) - mean);
                const double sd = std::sqrt(sq / (count - 1));
                CHECK(std::abs(mean - g.means[c][j]) < 4.0 * e.stddev / std::sqrt(count));
                // The sample std has standard error about sd / sqrt(2 count).
                CHECK(std::abs(sd - e.stddev) < 5.0 * e.stddev / std::sqrt(2.0 * count));
            }
        }
    }
}

TEST_CASE("datasets: sampleGmm handles general mixtures in more than 4 dimensions", "[gmm]") {
    GmmParams g;
    g.weights = {0.25, 0.75};
    Vector m0 = Vector::Constant(6, -1.0), m1 = Vector::Constant(6, 2.0);
    g.means = {m0, m1};
    Matrix c0 = Matrix::Identity(6, 6) * 0.04;
    c0(0, 1) = c0(1, 0) = 0.02;
    g.covs = {c0, Matrix::Zero(6, 6)}; // a point mass is allowed (semi-definite)
    const PointSet s = sampleGmm(g, 40000, 11, "custom");
    REQUIRE(s.dim() == 6);
    int ones = 0;
    for (Index i = 0; i < s.size(); ++i) {
        if (s.labels[std::size_t(i)] == 1) {
            ++ones;
            CHECK((s.points.row(i).transpose() - m1).norm() < 1e-12);
        }
    }
    CHECK(std::abs(ones - 30000) < 5 * std::sqrt(40000 * 0.25 * 0.75));
    // Covariance of component 0 in dims 0, 1 and 5 (dimension 5 is in the second normal block).
    double s00 = 0, s01 = 0, s55 = 0, count = 0;
    for (Index i = 0; i < s.size(); ++i)
        if (s.labels[std::size_t(i)] == 0) {
            const auto d = s.points.row(i).transpose() - m0;
            s00 += d[0] * d[0];
            s01 += d[0] * d[1];
            s55 += d[5] * d[5];
            ++count;
        }
    CHECK(s00 / count == Approx(0.04).epsilon(0.05));
    CHECK(s01 / count == Approx(0.02).epsilon(0.1));
    CHECK(s55 / count == Approx(0.04).epsilon(0.05));
}

TEST_CASE("datasets: geometry of the toy sets", "[datasets]") {
    SECTION("checkerboard points lie in their dark squares") {
        const PointSet s = make("checkerboard", 20000, 5);
        for (Index i = 0; i < s.size(); ++i) {
            const double x = s.points(i, 0), y = s.points(i, 1);
            REQUIRE(x > -2.0);
            REQUIRE(x < 2.0);
            REQUIRE(y > -2.0);
            REQUIRE(y < 2.0);
            const int col = int(std::floor(x + 2.0)), row = int(std::floor(y + 2.0));
            REQUIRE((col + row) % 2 == 0);
            REQUIRE(s.labels[std::size_t(i)] == (4 * row + col) / 2);
        }
    }
    SECTION("rings points lie near their circle") {
        const PointSet s = make("rings", 10000, 5);
        for (Index i = 0; i < s.size(); ++i) {
            const double radius = 0.5 * (s.labels[std::size_t(i)] + 1);
            REQUIRE(std::abs(s.points.row(i).norm() - radius) < 6 * kRingsDefaultNoise);
        }
    }
    SECTION("noise-free spirals have unit variance and mirrored arms") {
        const PointSet s = make("spirals", 40000, 5, 0.0);
        for (Index i = 0; i < s.size(); ++i) REQUIRE(s.points.row(i).norm() <= 2.0 + 1e-12);
        const double var = s.points.squaredNorm() / double(s.size()) / 2.0;
        CHECK(var == Approx(1.0).epsilon(0.03));
    }
    SECTION("pinwheel arms are 72 degrees apart") {
        const PointSet s = make("pinwheel", 5000, 5, 0.0);
        // With zero tangential noise, angle = -(2 pi k / 5 + rate exp(r / scale)) where the
        // radial feature r = 1 + 0.3 z is positive, which fails only for z < -3.33 (p = 4e-4).
        int mismatches = 0;
        for (Index i = 0; i < s.size(); ++i) {
            const double r = s.points.row(i).norm() / kPinwheelScale;
            const double expected = -(2.0 * std::numbers::pi * s.labels[std::size_t(i)] / 5.0 +
                                      kPinwheelRate * std::exp(r));
            const double got = std::atan2(s.points(i, 1), s.points(i, 0));
            mismatches += std::abs(std::remainder(got - expected, 2.0 * std::numbers::pi)) > 1e-9;
        }
        CHECK(mismatches <= 12);
    }
}

TEST_CASE("datasets: bad requests throw UsageError", "[datasets]") {
    const std::string unknown = errorOf<UsageError>([] { make("gmm9", 10, 0); });
    CHECK(contains(unknown, "unknown dataset 'gmm9'"));
    CHECK(contains(unknown, "gmm8, gmm25, moons"));
    CHECK(contains(unknown, "pinwheel"));
    for (Index n : {Index(0), Index(-3), Index(10'000'001)}) {
        INFO(n);
        CHECK(contains(errorOf<UsageError>([&] { make("moons", n, 0); }), "--n"));
    }
    CHECK(contains(errorOf<UsageError>([] { make("moons", 10, 0, std::nan("")); }), "--noise"));
    CHECK(contains(
        errorOf<UsageError>([] { make("moons", 10, 0, std::numeric_limits<double>::infinity()); }),
        "--noise"));
    CHECK_THROWS_AS(makeGmm8(0, 0.1, 0), UsageError);
    CHECK_THROWS_AS(makeRings(10, -1.0, 0), UsageError);
}

TEST_CASE("datasets: loadDataset reads names and CSV files", "[datasets][csv]") {
    TempDir dir;
    DatasetOptions opts;
    opts.n = 64;
    opts.seed = 9;
    const PointSet named = loadDataset("gmm25", opts);
    CHECK(named.points == makeDataset("gmm25", opts).points);

    const auto labelled = dir.write("pts.csv", "label, y, x\n1,2.5,-1\n0,0,0.25\n3,1e-3,7\n");
    const PointSet s = loadDataset(labelled, opts); // opts.n is ignored for files
    REQUIRE(s.size() == 3);
    REQUIRE(s.dim() == 2);
    CHECK(s.name == labelled);
    CHECK(s.points(0, 0) == -1.0);
    CHECK(s.points(0, 1) == 2.5);
    CHECK(s.points(2, 0) == 7.0);
    CHECK(s.labels == std::vector<int>{1, 0, 3});
    CHECK_FALSE(s.gmm.has_value());

    const auto plain = dir.write("plain.csv", "x,y\n1,2\n");
    CHECK(loadDataset(plain, opts).labels.empty());

    struct Bad {
        std::string name, text, expected;
    };
    for (const Bad& b : {Bad{"extra.csv", "x,y,z\n1,2,3\n", "unexpected column 'z'"},
                         Bad{"noy.csv", "x\n1\n", "missing column 'y'"},
                         Bad{"frac.csv", "x,y,label\n1,2,0.5\n", ":2: label 0.5"},
                         Bad{"ragged.csv", "x,y\n1,2,3\n", ":2: expected 2 fields"}}) {
        INFO(b.name);
        const auto path = dir.write(b.name, b.text);
        const std::string msg = errorOf<DataError>([&] { loadDataset(path, opts); });
        CHECK(contains(msg, path));
        CHECK(contains(msg, b.expected));
    }

    const std::string msg = errorOf<UsageError>([&] { loadDataset("foo", opts); });
    CHECK(msg == "unknown dataset 'foo' (built-in: gmm8, gmm25, moons, swissroll, checkerboard, "
                 "rings, spirals, pinwheel; images: shapes, fashion-mnist, mnist; or a CSV file "
                 "or a folder of PNGs)");
    CHECK_THROWS_AS(loadDataset((dir.path / "missing.csv").string(), opts), UsageError);
    // A folder is a folder of PNG images; this one has none.
    CHECK(contains(errorOf<DataError>([&] { loadDataset(dir.path.string(), opts); }),
                   "no PNG images"));
}
