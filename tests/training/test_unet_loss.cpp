// The U-Net learns: on the built-in shapes at 8x8 its training loss falls well below the loss
// of its first steps, and its denoiser beats the identity at a middle noise level.
#include "core/backend/cpu_backend.hpp"
#include "core/datasets/dataset_registry.hpp"
#include "core/denoisers/learned_denoiser.hpp"
#include "core/rng/noise.hpp"
#include "core/training/presets.hpp"
#include "core/training/trainer.hpp"

#include <catch2/catch.hpp>

#include <numeric>

using namespace dfs;

TEST_CASE("the U-Net preset learns the shapes at 8x8", "[training][unet]") {
    const PointSet data = loadDataset("shapes", {2000, -1, 0, 8});
    TrainConfig c = trainPreset("shapes");
    c.model.channels = 16;
    c.adam.totalSteps = 300;
    Trainer t(data, c);
    REQUIRE_FALSE(t.train(300).diverged);
    const auto& log = t.log();
    auto mean = [&](std::size_t from, std::size_t to) {
        double s = 0;
        for (std::size_t i = from; i < to; ++i) s += log[i].loss;
        return s / double(to - from);
    };
    const double first = mean(0, 20), last = mean(log.size() - 50, log.size());
    INFO("loss " << first << " -> " << last);
    CHECK(last < 0.8 * first); // an untrained net (zero output) stays at about 1
    // Denoising at sigma~ = 0.5 (cosine t where alpha = sigma / 0.5): closer to x0 than x / alpha.
    const auto model = t.snapshot();
    const LearnedDenoiser d(model);
    const auto schedule = makeSchedule("cosine");
    const NoiseLevel l = schedule->at(schedule->tFromLogSnr(-2 * std::log(0.5)));
    const Matrix x0 = data.points.topRows(200);
    const Matrix x = l.alpha * x0 + l.sigma * gaussianNoise(3, 0, 200, 64, 0, 0);
    CpuBackend backend(2);
    Matrix out;
    backend.denoise(d, x, l, out);
    const double model_err = (out - x0).squaredNorm(),
                 identity_err = (x / l.alpha - x0).squaredNorm();
    INFO("model " << model_err << " vs identity " << identity_err);
    CHECK(model_err < 0.5 * identity_err);
}
