// A Gaussian mixture of the user's own (`--dataset gmm:FILE.json`): the file's format and its
// errors, samples that follow the mixture, and the exact denoiser of a single Gaussian against
// its closed form (math reference 4.3).
#include "core/backend/cpu_backend.hpp"
#include "core/datasets/dataset_registry.hpp"
#include "core/datasets/gmm_file.hpp"
#include "core/denoisers/denoiser_factory.hpp"
#include "core/schedules/schedule.hpp"
#include "test_support.hpp"

#include <filesystem>
#include <fstream>

using namespace dfs;
using dfs::test::contains;
using dfs::test::errorOf;

namespace {

std::string writeTemp(const std::string& name, const std::string& text) {
    const auto path = std::filesystem::temp_directory_path() / ("dfs_gmm_file_" + name);
    std::ofstream(path) << text;
    return path.string();
}

std::string errorFor(const std::string& text) {
    return errorOf<DataError>([&] { gmmFromJson(text, "g.json"); });
}

} // namespace

TEST_CASE("mixture files: covariances or stds, weights normalised, and back to JSON") {
    const GmmParams g = gmmFromJson(R"({"means": [[1, 2], [-1, 0.5]],
        "covariances": [[[0.5, 0.1], [0.1, 0.2]], [[1, 0], [0, 0]]], "weights": [1, 3]})",
                                    "g");
    REQUIRE(g.size() == 2);
    CHECK(g.means[1][1] == 0.5);
    CHECK(g.covs[0](0, 1) == 0.1);
    CHECK(g.covs[1](1, 1) == 0.0); // semi-definite is allowed (a line of mass)
    CHECK(g.weights == std::vector<double>{0.25, 0.75});
    const GmmParams round = gmmFromJson(gmmToJson(g), "round");
    CHECK(round.weights == g.weights);
    CHECK(round.covs[0] == g.covs[0]);
    const GmmParams iso = gmmFromJson(R"({"means": [[0, 0]], "stds": [0.3]})", "g");
    CHECK(iso.weights == std::vector<double>{1.0});
    CHECK(iso.covs[0].isApprox(Matrix::Identity(2, 2) * 0.09, 1e-15));
}

TEST_CASE("mixture files: bad content is refused naming the key and component") {
    CHECK(contains(errorFor("{\"means\": "), "g.json: not valid JSON"));
    CHECK(contains(errorFor("[1]"), "must hold a JSON object"));
    CHECK(contains(errorFor("{\"stds\": [1]}"), "\"means\" must be a non-empty array"));
    CHECK(contains(errorFor(R"({"means": [[0, 0], [1]], "stds": [1, 1]})"),
                   "means[1] must be an array of 2 numbers"));
    CHECK(contains(errorFor(R"({"means": [[0, 0]]})"), "exactly one of \"covariances\""));
    CHECK(contains(errorFor(R"({"means": [[0, 0]], "stds": [1, 2]})"),
                   "\"stds\" must be an array of 1 entries"));
    CHECK(contains(errorFor(R"({"means": [[0, 0]], "stds": [-1]})"), "stds[0] must be >= 0"));
    CHECK(contains(errorFor(R"({"means": [[0, 0]], "covariances": [[[1, 0.5], [0, 1]]]})"),
                   "covariances[0] is not symmetric"));
    CHECK(contains(errorFor(R"({"means": [[0, 0]], "covariances": [[[1, 2], [2, 1]]]})"),
                   "covariances[0] is not positive semi-definite (eigenvalue -1)"));
    CHECK(contains(errorFor(R"({"means": [[0, 0]], "stds": [1], "weights": [0]})"),
                   "\"weights\" must not all be 0"));
    CHECK(contains(errorFor(R"({"means": [[0, "a"]], "stds": [1]})"),
                   "means[0][1] must be a number"));
    // Found by fuzz_gmm_json: the parser's number overflow escaped as a library exception.
    CHECK(contains(errorFor(R"({"means": [[2e+308, 0]], "stds": [1]})"),
                   "g.json: not valid JSON (number overflow parsing '2e+308')"));
    CHECK(contains(errorOf<DataError>([] { readGmmFile("/nonexistent/g.json"); }),
                   "/nonexistent/g.json: cannot open the mixture file"));
}

TEST_CASE("gmm:FILE samples follow the mixture and carry its exact parameters") {
    const std::string path = writeTemp("two.json", R"({"means": [[2, 0], [-1, 1]],
        "covariances": [[[0.25, 0.1], [0.1, 0.09]], [[0.04, 0], [0, 0.01]]], "weights": [3, 1]})");
    const PointSet set = loadDataset("gmm:" + path, {40000, -1, 5});
    REQUIRE(set.gmm);
    CHECK(set.name == "gmm:" + path);
    // The mixture's mean: 0.75 (2, 0) + 0.25 (-1, 1) = (1.25, 0.25); sample means within 4 SE.
    const Vector mean = set.points.colwise().mean();
    const Vector sd =
        ((set.points.rowwise() - mean.transpose()).array().square().colwise().mean()).sqrt();
    CHECK(std::abs(mean[0] - 1.25) < 4 * sd[0] / std::sqrt(40000.0));
    CHECK(std::abs(mean[1] - 0.25) < 4 * sd[1] / std::sqrt(40000.0));
    // The first component's share: 3/4 within 4 SE of a binomial proportion.
    const double share = double(std::count(set.labels.begin(), set.labels.end(), 0)) / 40000.0;
    CHECK(std::abs(share - 0.75) < 4 * std::sqrt(0.75 * 0.25 / 40000.0));
    // Reproducible from the seed.
    CHECK(loadDataset("gmm:" + path, {100, -1, 5}).points == set.points.topRows(100));
}

TEST_CASE("the exact denoiser of a single Gaussian from a file is the closed form (4.3)") {
    // N(mu, c^2 I): D(x) = mu + alpha c^2 / (alpha^2 c^2 + sigma^2) (x - alpha mu).
    const double c = 0.6;
    const Vector mu{{0.7, -0.4}};
    const std::string path = writeTemp("one.json", R"({"means": [[0.7, -0.4]], "stds": [0.6]})");
    const PointSet set = loadDataset("gmm:" + path, {10, -1, 0});
    const auto exact = makeDenoiser("exact", set);
    const auto schedule = makeSchedule("cosine");
    CpuBackend backend(1);
    Matrix x(3, 2);
    x << 0.1, 0.2, -2.0, 1.5, 3.0, -3.0;
    for (double t : {0.1, 0.5, 0.9}) {
        const NoiseLevel l = schedule->at(t);
        Matrix d;
        backend.denoise(*exact, x, l, d);
        const double gain = l.alpha * c * c / (l.alpha * l.alpha * c * c + l.sigma * l.sigma);
        for (Index r = 0; r < x.rows(); ++r) {
            const Vector want = mu + gain * (x.row(r).transpose() - l.alpha * mu);
            CHECK(d.row(r).transpose().isApprox(want, 1e-12));
        }
    }
    CHECK(contains(errorOf<UsageError>([] {
                       makeDenoiser("exact", loadDataset("moons", {10, -1, 0}));
                   }),
                   "gmm:FILE.json"));
}
