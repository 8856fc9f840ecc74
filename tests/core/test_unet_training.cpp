// The U-Net as a learned model: trained by the same Trainer (deterministic across threads),
// saved and loaded as a checkpoint, used as a denoiser, and refused for non-square data.
#include "core/backend/cpu_backend.hpp"
#include "core/datasets/dataset_registry.hpp"
#include "core/denoisers/learned_denoiser.hpp"
#include "core/model/checkpoint.hpp"
#include "core/training/presets.hpp"
#include "core/training/trainer.hpp"
#include "test_support.hpp"

#include <filesystem>

using namespace dfs;
using dfs::test::contains;
using dfs::test::errorOf;

namespace {

TrainConfig smallUNet(long steps) {
    TrainConfig c = trainPreset("shapes");
    REQUIRE(c.model.architecture == "unet");
    c.model.channels = 8;
    c.model.groups = 4;
    c.model.embedDim = 8;
    c.batch = 32;
    c.adam.totalSteps = steps;
    c.adam.warmup = 2;
    return c;
}

} // namespace

TEST_CASE("U-Net training is deterministic across threads and saves and loads", "[unet]") {
    const PointSet data = loadDataset("shapes", {200, -1, 1, 8});
    auto run = [&](int threads) {
        TrainConfig c = smallUNet(6);
        c.threads = threads;
        Trainer t(data, c);
        REQUIRE_FALSE(t.train(6).diverged);
        return t.snapshot();
    };
    const auto a = run(1);
    CHECK(run(2)->net.params() == a->net.params());
    CHECK(a->net.mlp() == nullptr);

    const std::string path = (std::filesystem::temp_directory_path() / "dfs_unet.dsm").string();
    saveCheckpoint(path, *a, {"shapes", 6, 0, 0.0});
    const auto b = loadCheckpoint(path);
    CHECK(b->spec.architecture == "unet");
    CHECK(b->spec.channels == 8);
    CHECK(b->net.params() == a->net.params());
    // The loaded model denoises exactly as the trained one does.
    CpuBackend backend(2);
    const LearnedDenoiser da(a), db(b);
    const NoiseLevel l = makeSchedule("vp-linear")->at(0.4);
    const Matrix x = data.points.topRows(5);
    Matrix oa, ob;
    backend.denoise(da, x, l, oa);
    backend.denoise(db, x, l, ob);
    CHECK(oa == ob);
    CHECK(oa.allFinite());
}

TEST_CASE("a U-Net needs square images", "[unet]") {
    const PointSet points = loadDataset("moons", {200, -1, 0});
    TrainConfig c = smallUNet(2);
    CHECK(contains(errorOf<UsageError>([&] { Trainer t(points, c); }), "needs square images"));
    c.model.architecture = "transformer";
    CHECK(contains(errorOf<UsageError>([&] { Trainer t(points, c); }), "--architecture"));
}

TEST_CASE("a class-conditional U-Net gives each class its own prediction", "[unet]") {
    const PointSet data = loadDataset("shapes", {200, -1, 2, 8});
    TrainConfig c = smallUNet(8);
    c.conditional = true;
    Trainer t(data, c);
    REQUIRE_FALSE(t.train(8).diverged);
    const auto model = t.snapshot();
    REQUIRE(model->spec.classes == 6);
    CpuBackend backend(1);
    const NoiseLevel l = makeSchedule("cosine")->at(0.5);
    const Matrix x = data.points.topRows(3);
    Matrix none, a, b;
    backend.denoise(LearnedDenoiser(model), x, l, none);
    backend.denoise(LearnedDenoiser(model, 0), x, l, a);
    backend.denoise(LearnedDenoiser(model, 3), x, l, b);
    CHECK(a.allFinite());
    CHECK_FALSE(a.isApprox(b)); // the label reaches the network
    CHECK_FALSE(a.isApprox(none));
    CHECK_THROWS_AS(LearnedDenoiser(model, 6), UsageError);
}
