// The training presets do their job (issue 3): on moons, gmm8, checkerboard and swissroll the
// default preset trains in seconds, and 4,000 DDIM samples (50 steps) lie within energy
// distance 0.02 of fresh data, both scaled to unit variance. Fixed seeds; a separate binary
// (label `training`) because it trains four models.
#include "core/backend/backend.hpp"
#include "core/datasets/dataset_registry.hpp"
#include "core/denoisers/guided_denoiser.hpp"
#include "core/denoisers/learned_denoiser.hpp"
#include "core/metrics/energy_distance.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/training/presets.hpp"
#include "sample_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>

using namespace dfs;

namespace {

/// DDIM, 50 steps (Song, Meng & Ermon 2021).
Matrix sampleDdim(const Denoiser& model, Index n, std::uint64_t seed) {
    return test::sampleWith("ddim", GridSpacing::UniformT, 50, model, n, 2, seed);
}

/// Scales both samples by the reference's mean and average per-coordinate std.
double unitEnergyDistance(const Matrix& samples, const Matrix& reference) {
    const Eigen::RowVectorXd mean = reference.colwise().mean();
    const double sd = std::sqrt((reference.rowwise() - mean).array().square().mean());
    return energyDistance((samples.rowwise() - mean) / sd, (reference.rowwise() - mean) / sd);
}

std::shared_ptr<Model> trainPresetModel(const std::string& name, bool conditional = false) {
    const PointSet data = makeDataset(name, {8000, -1, 0});
    TrainConfig c = trainPreset(name);
    c.conditional = conditional;
    Trainer t(data, c);
    const auto start = std::chrono::steady_clock::now();
    const TrainProgress p = t.train(c.adam.totalSteps);
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    REQUIRE_FALSE(p.diverged);
    WARN(name << ": " << t.step() << " steps in " << s << " s");
    return t.snapshot();
}

} // namespace

TEST_CASE("presets train each 2D dataset to good samples", "[training-quality]") {
    for (const char* name : {"moons", "gmm8", "checkerboard", "swissroll"}) {
        SECTION(name) {
            const LearnedDenoiser model(trainPresetModel(name));
            const Matrix samples = sampleDdim(model, 4000, 11);
            const Matrix fresh = makeDataset(name, {4000, -1, 1000}).points;
            const double ed = unitEnergyDistance(samples, fresh);
            INFO(name << ": energy distance " << ed);
            CHECK(ed <= 0.02);
        }
    }
}

TEST_CASE("a class-conditional model with guidance samples the chosen component",
          "[training-quality]") {
    const PointSet data = makeDataset("gmm8", {8000, -1, 0});
    const auto model = trainPresetModel("gmm8", true);
    const int k = 2;
    double previous = 0;
    for (double gamma : {1.0, 3.0}) {
        const GuidedDenoiser guided(std::make_unique<LearnedDenoiser>(model, k),
                                    std::make_unique<LearnedDenoiser>(model, -1), gamma);
        const Matrix x = sampleDdim(guided, 1000, 3);
        int hits = 0;
        for (Index r = 0; r < x.rows(); ++r) {
            int nearest = 0;
            for (int c = 1; c < data.gmm->size(); ++c)
                if ((x.row(r).transpose() - data.gmm->means[std::size_t(c)]).norm() <
                    (x.row(r).transpose() - data.gmm->means[std::size_t(nearest)]).norm())
                    nearest = c;
            hits += nearest == k;
        }
        const double fraction = hits / 1000.0;
        INFO("guidance " << gamma << ": " << fraction << " of samples in component " << k);
        CHECK(fraction >= 0.9);
        CHECK(fraction >= previous - 0.02); // guidance does not spread the samples
        previous = fraction;
    }
}
