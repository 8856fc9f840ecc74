// Tests of the compute backends (core/backend): the CPU backend's output does not depend on the
// thread count (bit for bit), the thread pool covers every chunk once and passes exceptions on,
// and makeBackend refuses unknown and unavailable backends.
#include "core/backend/backend.hpp"
#include "core/backend/cpu_backend.hpp"
#include "core/backend/thread_pool.hpp"
#include "core/datasets/gmm_datasets.hpp"
#include "core/denoisers/gmm_denoiser.hpp"
#include "core/denoisers/ideal_denoiser.hpp"
#include "core/errors.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <limits>
#include <stdexcept>

using namespace dfs;

TEST_CASE("backend: 1, 2 and 3 threads give bit-identical results", "[backend]") {
    const PointSet data = makeGmm8(500, kGmm8DefaultStd, 3);
    const GmmDenoiser exact(*data.gmm);
    const IdealDenoiser ideal(data.points);
    const Matrix x = 1.5 * test::normals(81, 1001, 2); // 1001 rows: not a multiple of any chunk
    auto one = makeBackend("cpu", 1);
    auto two = makeBackend("cpu", 2);
    auto three = makeBackend("cpu", 3);
    const auto s = makeSchedule("vp-linear");
    for (double t : {0.05, 0.5, 0.95}) {
        const NoiseLevel l = s->at(t);
        for (const Denoiser* d :
             {static_cast<const Denoiser*>(&exact), static_cast<const Denoiser*>(&ideal)}) {
            INFO(d->name() << " t = " << t);
            Matrix a, b, c;
            one->denoise(*d, x, l, a);
            two->denoise(*d, x, l, b);
            three->denoise(*d, x, l, c);
            REQUIRE(a.rows() == x.rows());
            CHECK(a.allFinite());
            CHECK(a == b);
            CHECK(a == c);
            Vector la, lb;
            one->logDensity(*d, x, l, la);
            two->logDensity(*d, x, l, lb);
            CHECK(la == lb);
            // Row i of a batch equals row i computed alone.
            Matrix single;
            two->denoise(*d, x.middleRows(700, 1), l, single);
            CHECK(single.row(0) == a.row(700));
        }
    }
}

TEST_CASE("backend: the CPU backend reports its threads and checks dimensions", "[backend]") {
    CpuBackend one(1), four(4);
    CHECK(one.threads() == 1);
    CHECK(four.threads() == 4);
    CHECK(one.name() == "cpu");
    CHECK_FALSE(one.device().empty());
    const IdealDenoiser ideal(test::normals(1, 10, 2));
    Matrix out;
    CHECK_THROWS_AS(one.denoise(ideal, test::normals(2, 5, 3), makeSchedule("ve")->at(0.5), out),
                    UsageError);
}

TEST_CASE("backend: makeBackend refuses unknown and unavailable backends", "[backend]") {
    CHECK(makeBackend("cpu", 1)->name() == "cpu");
    CHECK(makeBackend("cpu")->name() == "cpu");
    CHECK_THROWS_AS(makeBackend("cuda"), UsageError);
    CHECK_THROWS_AS(makeBackend(""), UsageError);
    CHECK_THROWS_AS(makeBackend("vulkan"), UsageError); // not built yet
    CHECK_THROWS_AS(makeBackend("cpu", -1), UsageError);
    CHECK_THROWS_AS(makeBackend("cpu", kMaxThreads + 1), UsageError);
    bool cpu = false, vulkan = false;
    for (const BackendInfo& b : listBackends()) {
        if (b.name == "cpu") cpu = b.available;
        if (b.name == "vulkan") vulkan = !b.available && !b.device.empty();
    }
    CHECK(cpu);
    CHECK(vulkan);
}

TEST_CASE("backend: the thread pool runs every chunk once and rethrows", "[backend][pool]") {
    for (int threads : {1, 2, 5}) {
        ThreadPool pool(threads);
        CHECK(pool.threads() == threads);
        for (std::size_t n : {std::size_t(0), std::size_t(1), std::size_t(63), std::size_t(1000)}) {
            INFO(threads << " threads, n = " << n);
            std::vector<std::atomic<int>> hits(n);
            std::atomic<int> calls{0};
            pool.parallelFor(n, 64, [&](std::size_t b, std::size_t e) {
                ++calls;
                CHECK(e - b <= 64);
                CHECK(b % 64 == 0);
                for (std::size_t i = b; i < e; ++i) ++hits[i];
            });
            CHECK(calls == int((n + 63) / 64));
            for (std::size_t i = 0; i < n; ++i) CHECK(hits[i] == 1);
        }
        CHECK_THROWS_AS(pool.parallelFor(500, 10,
                                         [](std::size_t b, std::size_t) {
                                             if (b == 250) throw std::runtime_error("chunk 25");
                                         }),
                        std::runtime_error);
        // The pool still works after an exception.
        std::atomic<int> sum{0};
        pool.parallelFor(100, 7, [&](std::size_t b, std::size_t e) { sum += int(e - b); });
        CHECK(sum == 100);
    }
}

TEST_CASE("backend: splat counts each point in its cell, half-open, and skips the rest",
          "[backend]") {
    CpuBackend cpu(1);
    const SplatGrid g{4, 2, -2.0, 2.0, 0.0, 1.0}; // cells 1 x 0.5
    Matrix x(8, 2);
    x << -2.0, 0.0,        // the lower-left corner: cell (0, 0)
        1.99, 0.99,        // cell (3, 1)
        0.5, 0.25,         // cell (2, 0)
        0.5, 0.75,         // cell (2, 1)
        2.0, 0.5,          // x = x1: outside (half-open)
        -2.5, 0.5,         // left of the grid
        std::nan(""), 0.5, // not finite
        0.5, std::numeric_limits<double>::infinity();
    std::vector<float> cells(8, 1.0f); // splat adds to what is there
    cpu.splat(x, g, 0.5f, cells);
    const std::vector<float> expected = {1.5f, 1, 1.5f, 1, 1, 1, 1.5f, 1.5f};
    CHECK(cells == expected);
    std::vector<float> wrong(7);
    CHECK_THROWS_WITH(cpu.splat(x, g, 1, wrong), Catch::Contains("has 8 cells, not 7"));
    CHECK_THROWS_AS(cpu.splat(x, SplatGrid{0, 2, -2, 2, 0, 1}, 1, cells), UsageError);
    CHECK_THROWS_AS(cpu.splat(Matrix(3, 1), g, 1, cells), UsageError);
}
