// Tests of the network's input columns (core/model/model.hpp): the sinusoidal embedding of
// c_noise against its closed form (Vaswani et al. 2017, Section 3.5), and the batched forms
// that training uses against the one-sample ones, bit for bit.
#include "core/model/model.hpp"
#include "core/schedules/schedule.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace dfs;

TEST_CASE("time embedding: sin and cos of 250 c_noise 10000^(-k/half)", "[model][embedding]") {
    const int dim = 32, half = dim / 2;
    for (double c : {-2.0, -0.3, 0.0, 0.7, 1.5}) {
        std::vector<float> out(dim);
        timeEmbedding(c, dim, out.data());
        for (int k = 0; k < half; ++k) {
            const double a = 250.0 * c * std::pow(10000.0, -double(k) / half);
            INFO("c = " << c << ", k = " << k);
            // float storage: half an ulp of 1, and the recurrence f_{k+1} = f_k r (k roundings
            // of an angle up to 500) adds below 1e-12.
            CHECK(out[std::size_t(k)] == Approx(std::sin(a)).margin(1e-7));
            CHECK(out[std::size_t(half + k)] == Approx(std::cos(a)).margin(1e-7));
        }
    }
}

TEST_CASE("time embedding: the batched inputs equal the one-sample ones bit for bit",
          "[model][embedding]") {
    ModelSpec spec;
    spec.dim = 3;
    spec.classes = 4;
    const auto schedule = makeSchedule("cosine");
    const int n = 45, in = spec.inputDim(); // 45 x 16 angles: two passes of the 512-angle loop
    std::vector<double> x(static_cast<std::size_t>(n * spec.dim));
    std::vector<double> c(static_cast<std::size_t>(n));
    std::vector<NoiseLevel> levels;
    std::vector<int> labels;
    for (int r = 0; r < n; ++r) {
        for (int d = 0; d < spec.dim; ++d) x[std::size_t(r * spec.dim + d)] = 0.1 * r - 0.7 * d;
        levels.push_back(schedule->at(0.01 + 0.02 * r));
        labels.push_back(r % 6 - 1); // -1 and 4 mean "none"
        c[std::size_t(r)] = -1.0 + 0.05 * r;
    }
    std::vector<float> batched(static_cast<std::size_t>(n * in));
    std::vector<float> one(static_cast<std::size_t>(in));
    networkInputs(spec, x.data(), n, levels.data(), labels.data(), batched.data());
    for (int r = 0; r < n; ++r) {
        networkInput(spec, x.data() + r * spec.dim, levels[std::size_t(r)], labels[std::size_t(r)],
                     one.data());
        INFO("row " << r);
        CHECK(std::equal(one.begin(), one.end(), batched.begin() + r * in));
    }
    std::vector<float> rows(static_cast<std::size_t>(n * 40), -9.0f);
    std::vector<float> single(static_cast<std::size_t>(spec.embedDim));
    timeEmbeddings(c.data(), n, spec.embedDim, rows.data(), 40); // a stride wider than dim
    for (int r = 0; r < n; ++r) {
        timeEmbedding(c[std::size_t(r)], spec.embedDim, single.data());
        CHECK(std::equal(single.begin(), single.end(), rows.begin() + r * 40));
        CHECK(rows[std::size_t(r * 40 + spec.embedDim)] == -9.0f); // the gap is left alone
    }
}
