// The Vulkan backend against the CPU backend, on whatever device Vulkan offers (lavapipe in CI),
// with the Khronos validation layer on (ctest sets DIFFUSCOPE_VULKAN_VALIDATION=1) and any
// validation error failing the test. Tolerances: the device works in float32, the CPU in double
// (ideal: the CPU's fused kernel is float too), so agreement is to about 1e-5 relative.
#include "core/backend/backend.hpp"
#include "core/backend/cpu_backend.hpp"
#include "core/datasets/dataset_registry.hpp"
#include "core/denoisers/denoiser_factory.hpp"
#include "core/denoisers/learned_denoiser.hpp"
#include "core/errors.hpp"
#include "core/nn/activation.hpp"
#include "core/rng/noise.hpp"
#include "core/rng/philox.hpp"
#include "core/samplers/sample_to_end.hpp"
#include "core/training/presets.hpp"
#include "core/training/trainer.hpp"
#include "core/vulkan/vulkan_backend.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <string>

using namespace dfs;

namespace {

/// The kernels run on lavapipe too (by default a CPU device leaves them to the CPU backend).
const vk::VulkanOptions kOnDevice{.kernelsOnCpuDevice = true};

Matrix queries(Index n, int dim, double scale) {
    return scale * gaussianNoise(77, 0, n, dim, 0x7e57u, 0x7e57u);
}

void requireClean(const Backend& b) {
    // ctest runs these with the validation layer on; a layer that failed to load is a failure.
    if (const char* v = std::getenv("DIFFUSCOPE_VULKAN_VALIDATION"); v && std::string(v) == "1")
        REQUIRE(vk::validationActive(b));
    INFO("first validation error: " << vk::firstValidationError(b));
    REQUIRE(vk::validationErrors(b) == 0);
}

} // namespace

TEST_CASE("vulkan: Philox bits match the C++ generator exactly, normals to float precision",
          "[vulkan]") {
    for (std::uint64_t seed : {0ull, 0x123456789abcdefull}) {
        const auto dev = vk::philoxOnDevice(seed, 17, 3, 1, 1000);
        REQUIRE(dev.validationErrors == 0);
        double worst = 0;
        for (std::uint32_t i = 0; i < 1000; ++i) {
            const PhiloxCounter c =
                philox4x32_10({i, 17, 3, 1}, {std::uint32_t(seed), std::uint32_t(seed >> 32)});
            for (int k = 0; k < 4; ++k) REQUIRE(dev.bits[i][std::size_t(k)] == c[std::size_t(k)]);
            const auto n = philoxNormals4(seed, i, 17, 3, 1);
            for (int k = 0; k < 4; ++k)
                worst =
                    std::max(worst, std::abs(n[std::size_t(k)] - dev.normals[i][std::size_t(k)]) /
                                        std::max(1.0, std::abs(n[std::size_t(k)])));
        }
        CHECK(worst < 1e-5);
    }
}

TEST_CASE("vulkan: the noise-level features of device-formed training batches are the CPU's to "
          "1e-6, at angles up to 10^3 too",
          "[vulkan]") {
    // c_noise over its whole clamped range, 0.25 ln(1e-8 .. 1e8): base angles 250 c_noise up
    // to about 1150, where the angle in one float is off by up to 6e-5 (so would the sines be;
    // seen: 3e-5 with the angle in one float, or with the product's error left out; 2.4e-7 now).
    std::vector<double> cNoise;
    for (int i = 0; i <= 2000; ++i) cNoise.push_back(-4.61 + 9.22 * i / 2000.0);
    for (int dim : {32, 6}) {
        const auto dev = vk::embeddingOnDevice(cNoise, dim);
        REQUIRE(dev.validationErrors == 0);
        REQUIRE(dev.features.size() == cNoise.size() * std::size_t(dim));
        std::vector<float> cpu(dev.features.size());
        timeEmbeddings(cNoise.data(), int(cNoise.size()), dim, cpu.data(), std::size_t(dim));
        double worst = 0;
        for (std::size_t i = 0; i < cpu.size(); ++i)
            worst = std::max(worst, std::abs(double(dev.features[i]) - double(cpu[i])));
        INFO("embedding width " << dim << ": worst difference " << worst);
        CHECK(worst < 1e-6);
    }
}

TEST_CASE("vulkan: the ideal denoiser agrees with the CPU at every noise level", "[vulkan]") {
    auto gpu = vk::makeVulkanBackend("", 0, kOnDevice);
    CpuBackend cpu(1);
    for (int dim : {2, 3}) {
        const Matrix train = queries(1500, dim, 1.0) + Matrix::Constant(1500, dim, 0.2);
        PointSet data{"set", train, {}, std::nullopt};
        const auto model = makeDenoiser("ideal", data);
        const auto s = makeSchedule("vp-linear");
        for (double t : {0.01, 0.1, 0.5, 0.99}) {
            const NoiseLevel l = s->at(t);
            const Matrix x = queries(700, dim, 1.5); // not a multiple of the workgroup
            Matrix a, b;
            gpu->denoise(*model, x, l, a);
            cpu.denoise(*model, x, l, b);
            INFO("dim " << dim << " t " << t);
            CHECK((a - b).cwiseAbs().maxCoeff() < 2e-4);
        }
    }
    requireClean(*gpu);
}

TEST_CASE("vulkan: the exact GMM denoiser agrees with the CPU", "[vulkan]") {
    auto gpu = vk::makeVulkanBackend("", 0, kOnDevice);
    CpuBackend cpu(1);
    for (const char* name : {"gmm8", "gmm25"}) {
        const PointSet data = makeDataset(name, {100, -1, 0});
        const auto model = makeDenoiser("exact", data);
        const auto s = makeSchedule("cosine");
        for (double t : {0.02, 0.3, 0.9}) {
            const Matrix x = queries(333, 2, 1.2);
            Matrix a, b;
            gpu->denoise(*model, x, s->at(t), a);
            cpu.denoise(*model, x, s->at(t), b);
            INFO(name << " t " << t);
            CHECK((a - b).cwiseAbs().maxCoeff() < 1e-4);
        }
    }
    requireClean(*gpu);
}

TEST_CASE("vulkan: a whole sampler run follows the CPU run", "[vulkan]") {
    auto gpu = vk::makeVulkanBackend("", 0, kOnDevice);
    CpuBackend cpu(1);
    const PointSet data = makeDataset("gmm8", {100, -1, 0});
    const auto model = makeDenoiser("exact", data);
    const auto s = makeSchedule("vp-linear");
    for (const char* sampler : {"heun", "ddpm"}) {
        SamplerRunConfig c;
        c.sampler = &findSampler(sampler);
        c.grid = makeTimeGrid(*s, c.sampler->defaultGrid, 25);
        c.seed = 9;
        const Matrix x0 = SamplerRun::priorSample(*s, c.grid.front(), 500, 2, 9);
        SamplerRun a(*s, *model, *gpu, c, x0), b(*s, *model, cpu, c, x0);
        while (!a.done()) {
            a.step();
            b.step();
        }
        INFO(sampler);
        CHECK((a.current().x - b.current().x).cwiseAbs().maxCoeff() < 1e-3);
    }
    requireClean(*gpu);
}

TEST_CASE("vulkan: models without a device kernel fall back to the CPU exactly", "[vulkan]") {
    auto gpu = vk::makeVulkanBackend("", 0, kOnDevice);
    CpuBackend cpu(2);
    const Matrix train = queries(300, 9, 1.0); // 9 dimensions: beyond the kernels' 8
    PointSet data{"nine", train, {}, std::nullopt};
    const auto model = makeDenoiser("ideal", data);
    const NoiseLevel l = makeSchedule("ve")->at(0.5);
    Matrix a, b;
    gpu->denoise(*model, queries(50, 9, 2.0), l, a);
    cpu.denoise(*model, queries(50, 9, 2.0), l, b);
    CHECK(a == b);
    CHECK(gpu->device().find("Vulkan") != std::string::npos);
    requireClean(*gpu);
}

TEST_CASE("vulkan: registered backends are offered by name, bad selections are named", "[vulkan]") {
    vk::registerVulkanBackend();
    bool usable = false;
    for (const auto& b : listBackends()) usable = usable || (b.name == "vulkan" && b.available);
    CHECK(usable);
    CHECK(makeBackend("vulkan")->name() == "vulkan");
    try {
        vk::makeVulkanBackend("no such device");
        FAIL("accepted a device that does not exist");
    } catch (const DeviceError& e) {
        CHECK(std::string(e.what()).find("no such device") != std::string::npos);
    }
}

TEST_CASE("vulkan: large query sets are split into several dispatches", "[vulkan]") {
    auto gpu = vk::makeVulkanBackend("", 0, kOnDevice);
    CpuBackend cpu(2);
    // 40,000 points: 2^28 pairs per dispatch is 6,710 queries, so 10,000 queries take two.
    const Matrix train = queries(40000, 2, 1.0);
    PointSet data{"big", train, {}, std::nullopt};
    const auto model = makeDenoiser("ideal", data);
    const NoiseLevel l = makeSchedule("ve")->at(0.4);
    const Matrix x = queries(10000, 2, 1.3);
    Matrix a, b;
    gpu->denoise(*model, x, l, a);
    cpu.denoise(*model, x, l, b);
    CHECK((a - b).cwiseAbs().maxCoeff() < 2e-4);
    requireClean(*gpu);
}

TEST_CASE("vulkan: the learned MLP denoiser agrees with the CPU, conditional and on images",
          "[vulkan]") {
    auto gpu = vk::makeVulkanBackend("", 0, kOnDevice);
    CpuBackend cpu(2);
    struct Case {
        const char* dataset;
        int resolution;
        bool conditional;
        const char* activation;
    };
    const double timedBefore = vk::deviceSeconds(*gpu);
    for (const Case c : {Case{"moons", 0, false, "silu"}, Case{"gmm8", 0, true, "gelu"},
                         Case{"shapes", 8, false, "relu"}}) {
        INFO(c.dataset);
        const PointSet data = loadDataset(c.dataset, {500, -1, 0, c.resolution});
        TrainConfig config = trainPreset(c.dataset);
        config.model.architecture = "mlp"; // images would get the U-Net, which stays on the CPU
        config.model.width = c.resolution ? 512 : 48; // 512 x 9000 rows: several submissions
        config.model.activation = parseActivation(c.activation);
        config.conditional = c.conditional;
        config.batch = 128;
        config.threads = 1;
        Trainer trainer(data, config);
        trainer.train(30); // trained a little: weights away from their initial values
        const auto model = std::make_shared<const Model>(*trainer.snapshot());
        REQUIRE(model->net.mlp());
        const LearnedDenoiser denoiser(model, c.conditional ? 2 : -1);
        const int dim = data.dim();
        for (double t : {0.02, 0.3, 0.9}) {
            const NoiseLevel l = makeSchedule("vp-linear")->at(t);
            const Matrix x = queries(9000, dim, 1.0); // more than one device batch
            Matrix a, b;
            gpu->denoise(denoiser, x, l, a);
            cpu.denoise(denoiser, x, l, b);
            REQUIRE(a.rows() == b.rows());
            const double err = (a - b).cwiseAbs().maxCoeff(), scale = b.cwiseAbs().maxCoeff();
            INFO("t " << t << " max error " << err << " of " << scale);
            CHECK(err <= 2e-4 * std::max(1.0, scale));
        }
        // Without the option a CPU device hands everything to the CPU backend, and says so.
        auto plain = vk::makeVulkanBackend();
        if (plain->device().find("the CPU backend computes") != std::string::npos) {
            const NoiseLevel l = makeSchedule("cosine")->at(0.4);
            Matrix a, b;
            plain->denoise(denoiser, queries(100, dim, 1.0), l, a);
            cpu.denoise(denoiser, queries(100, dim, 1.0), l, b);
            CHECK(a == b);
        }
    }
    // Each chunk's layers ran as one timed submission; lavapipe's queue has timestamps.
    if (timedBefore >= 0) CHECK(vk::deviceSeconds(*gpu) > timedBefore);
    CHECK(vk::deviceSeconds(cpu) == -1.0);
    requireClean(*gpu);
}

namespace {

/// A small MLP trained briefly: the weights only need to be non-trivial.
LearnedDenoiser quickMlp(const PointSet& data, const char* target, int label) {
    TrainConfig config = trainPreset(data.name);
    config.model.architecture = "mlp";
    config.model.width = 64;
    config.model.target = parseTrainTarget(target);
    config.conditional = label >= 0;
    config.batch = 128;
    config.threads = 1;
    Trainer trainer(data, config);
    trainer.train(40);
    return LearnedDenoiser(trainer.snapshot(), label);
}

/// Runs `sampler` whole on the device and as a SamplerRun on the CPU from the same start and
/// seed; returns the largest difference relative to the particles' scale.
double deviceRunError(Backend& gpu, const Denoiser& model, const Schedule& schedule,
                      const SamplerInfo& sampler, int steps, Index particles) {
    CpuBackend cpu(2);
    SamplerRunConfig rc;
    rc.sampler = &sampler;
    rc.grid = makeTimeGrid(schedule, sampler.defaultGrid, steps);
    rc.options.eta = 1; // DDIM with its noise
    rc.options.langevinSteps = 3;
    rc.seed = 9;
    rc.firstParticle = 5000; // a particle offset, so the noise counters are checked too
    const Matrix x0 = SamplerRun::priorSample(schedule, rc.grid.front(), particles, model.dim(), 4);
    SamplerRun run(schedule, model, cpu, rc, x0);
    while (!run.done()) run.step();
    Matrix x = x0;
    if (!gpu.runSampler(model, schedule, rc, x)) return -1;
    const Matrix& expected = run.current().x;
    Matrix untouched = x0; // the CPU backend steps a SamplerRun instead
    if (cpu.runSampler(model, schedule, rc, untouched) || untouched != x0) return -2;
    return (x - expected).cwiseAbs().maxCoeff() / std::max(1.0, expected.cwiseAbs().maxCoeff());
}

} // namespace

TEST_CASE("vulkan: whole sampler runs on the device follow the CPU's SamplerRun, noise included",
          "[vulkan]") {
    // Every linear sampler (all but the predictor-corrector, which falls back) on the learned
    // MLP, the ideal denoiser and the exact GMM. The device draws the same Philox noise; it works
    // in float and the CPU in double, so particles agree to float rounding carried through the
    // run. Tolerance 1e-3 of the particles' scale; typically 1e-6 to 1e-4 (printed on failure).
    auto gpu = vk::makeVulkanBackend("", 0, kOnDevice);
    const PointSet moons = loadDataset("moons", {500, -1, 0, 0});
    const LearnedDenoiser mlp = quickMlp(moons, "edm", -1);
    const auto ideal = makeDenoiser("ideal", loadDataset("moons", {300, -1, 0, 0}));
    const auto gmm = makeDenoiser("exact", loadDataset("gmm8", {100, -1, 0, 0}));
    const auto schedule = makeSchedule("cosine");
    for (const SamplerInfo& sampler : samplerRegistry()) {
        for (const auto& [name, model] : {std::pair<const char*, const Denoiser*>{"mlp", &mlp},
                                          {"ideal", ideal.get()},
                                          {"exact gmm", gmm.get()}}) {
            INFO(sampler.name << " on the " << name << " denoiser");
            const double err = deviceRunError(*gpu, *model, *schedule, sampler, 12, 700);
            if (!sampler.linear) {
                CHECK(err == -1); // not traced: the caller steps a SamplerRun
                continue;
            }
            INFO("max error " << err);
            CHECK(err >= 0);
            CHECK(err <= 1e-3);
        }
    }
    requireClean(*gpu);
}

TEST_CASE("vulkan: whole runs of every training target and of a conditional model", "[vulkan]") {
    auto gpu = vk::makeVulkanBackend("", 0, kOnDevice);
    struct Case {
        const char* dataset;
        int resolution;
        const char* target;
        int label;
        const char* schedule; ///< sampled on (the model trains on cosine)
    };
    for (const Case c : {Case{"moons", 0, "edm", -1, "cosine"}, Case{"gmm8", 0, "eps", 2, "ve"},
                         Case{"shapes", 8, "v", -1, "vp-linear"}}) {
        INFO(c.dataset << ", target " << c.target << ", sampled on " << c.schedule);
        const PointSet data = loadDataset(c.dataset, {500, -1, 0, c.resolution});
        const LearnedDenoiser denoiser = quickMlp(data, c.target, c.label);
        const auto schedule = makeSchedule(c.schedule);
        for (const char* sampler : {"ddim", "heun"}) {
            INFO(sampler);
            const double err =
                deviceRunError(*gpu, denoiser, *schedule, findSampler(sampler), 25, 3000);
            INFO("max error " << err);
            CHECK(err >= 0);
            CHECK(err <= 1e-4); // deterministic: ~1e-6
        }
    }
    requireClean(*gpu);
}

TEST_CASE("vulkan: the density histogram of 10^6 particles counts as the CPU does", "[vulkan]") {
    // Integer atomics on the device: the counts are exact. Cells are found in float on the
    // device and in double on the CPU, so only a point within rounding of a cell edge may move
    // to its neighbour; those are counted first and bound the difference.
    auto gpu = vk::makeVulkanBackend("", 0, kOnDevice);
    CpuBackend cpu(1);
    const Matrix x = queries(1000000, 2, 1.2);
    const SplatGrid g{200, 150, -6.0, 6.0, -5.0, 5.0};
    Index nearEdge = 0;
    for (Index r = 0; r < x.rows(); ++r) {
        const double fx = (x(r, 0) - g.x0) * g.nx / (g.x1 - g.x0);
        const double fy = (x(r, 1) - g.y0) * g.ny / (g.y1 - g.y0);
        const auto near = [](double f) { return std::abs(f - std::round(f)) < 1e-4; };
        nearEdge += near(fx) || near(fy);
    }
    std::vector<float> a(std::size_t(g.nx * g.ny), 0.0f), b = a;
    gpu->splat(x, g, 1.0f, a);
    cpu.splat(x, g, 1.0f, b);
    double inside = 0, moved = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        inside += b[i];
        moved += std::abs(a[i] - b[i]);
    }
    INFO(nearEdge << " points near an edge; " << moved << " counts differ");
    CHECK(inside > 0.99 * double(x.rows())); // the grid holds almost all of them
    CHECK(moved <= 2.0 * double(nearEdge));
    requireClean(*gpu);
}

namespace {

double maxAbs(const FloatBuffer& v) {
    double m = 0;
    for (float f : v) m = std::max(m, double(std::abs(f)));
    return m;
}

double maxDiff(const FloatBuffer& a, const FloatBuffer& b) {
    double m = 0;
    for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, double(std::abs(a[i] - b[i])));
    return m;
}

} // namespace

TEST_CASE("vulkan: MLP training on the device follows the CPU's Trainer", "[vulkan]") {
    // The same batches: the Trainer draws each sample's row, level and label, and the device
    // forms the sample from them with the CPU's Philox counters (its noise, the embedding, the
    // one-hot and the target), so only float rounding separates the two: Box-Muller and the
    // embedding's sines in float, and the gradient summed in another order. Tolerances: the
    // losses and the gradient norms to 1e-4 relative at every step (seen: 3e-8 and 7e-7), the
    // weights to 1e-5 of their largest after 30 AdamW steps (seen: 1e-6). Seven steps a submission,
    // so that the calls of 10 and 20 steps cross submissions (7 + 3, 7 + 7 + 6).
    vk::VulkanOptions options = kOnDevice;
    options.trainStepsPerSubmission = 7;
    auto gpu = vk::makeVulkanBackend("", 0, options);
    struct Case {
        const char* dataset;
        const char* activation;
        const char* target;
        bool conditional;
        double clip, weightDecay;
        int width; ///< 100: two 64-wide tiles of the dW kernel in each direction, one partial
        const char* timeSampling; ///< log-normal: its tails reach embedding angles near 10^3
    };
    for (const Case c : {Case{"moons", "silu", "eps", false, 1.0, 0.0, 64, "uniform"},
                         Case{"gmm8", "gelu", "edm", true, 0.0, 0.01, 100, "uniform"},
                         Case{"swissroll", "relu", "v", false, 0.05, 0.0, 64, "uniform"},
                         Case{"moons", "silu", "x0", false, 1.0, 0.0, 64, "log-normal"}}) {
        INFO(c.dataset << ", " << c.activation << ", target " << c.target << ", t "
                       << c.timeSampling);
        const PointSet data = loadDataset(c.dataset, {2000, -1, 0, 0});
        TrainConfig config = trainPreset(c.dataset);
        config.model.architecture = "mlp";
        config.model.width = c.width;
        config.model.activation = parseActivation(c.activation);
        config.model.target = parseTrainTarget(c.target);
        config.conditional = c.conditional;
        config.batch = 300; // not a multiple of the CPU's micro-batch
        config.threads = 1;
        config.gradClip = c.clip;
        config.adam.weightDecay = c.weightDecay;
        config.timeSampling = parseTimeSampling(c.timeSampling);
        Trainer cpu(data, config), dev(data, config);
        REQUIRE(dev.useDevice(*gpu));
        CHECK(dev.onDevice());
        cpu.train(10);
        dev.train(10);
        cpu.train(20); // two calls: the weights come back and the moments stay on the device
        dev.train(20);
        REQUIRE(dev.log().size() == 30);
        double worstLoss = 0, worstNorm = 0; // the norm: Adam alone would not see a scaled gradient
        for (std::size_t i = 0; i < 30; ++i) {
            const TrainRecord &a = cpu.log()[i], &b = dev.log()[i];
            worstLoss = std::max(worstLoss, std::abs(b.loss - a.loss) / a.loss);
            worstNorm = std::max(worstNorm, std::abs(b.gradNorm - a.gradNorm) / a.gradNorm);
        }
        INFO("worst relative differences: loss " << worstLoss << ", gradient norm " << worstNorm);
        CHECK(worstLoss < 1e-4);
        CHECK(worstNorm < 1e-4);
        for (bool ema : {false, true}) {
            const auto ma = cpu.snapshot(ema), mb = dev.snapshot(ema);
            const FloatBuffer &a = ma->net.params(), &b = mb->net.params();
            INFO((ema ? "EMA" : "raw")
                 << " weights: max difference " << maxDiff(a, b) << " of " << maxAbs(a));
            CHECK(maxDiff(a, b) <= 1e-5 * maxAbs(a));
        }
        const std::vector<double> ea = cpu.bucketError(), eb = dev.bucketError();
        for (std::size_t k = 0; k < ea.size(); ++k)
            if (std::isfinite(ea[k])) CHECK(std::abs(ea[k] - eb[k]) <= 1e-3 * ea[k]);
    }
    CpuBackend cpuBackend(1);
    const PointSet data = loadDataset("moons", {200, -1, 0, 0});
    Trainer plain(data, trainPreset("moons"));
    CHECK_FALSE(plain.useDevice(cpuBackend)); // the CPU backend has no training device
    // Batch 65,536 of width 128: a layer's dispatch would need 131,072 workgroups, past the
    // 65,535 every device offers, so the device declines and the CPU trains.
    TrainConfig huge = trainPreset("moons");
    huge.batch = 65536;
    Trainer big(data, huge);
    CHECK_FALSE(big.useDevice(*gpu));
    requireClean(*gpu);
}

TEST_CASE("vulkan: training that diverges inside a submission keeps the weights of the last "
          "good step, as the CPU's Trainer does",
          "[vulkan]") {
    // A learning rate of 1e3: Adam's first update moves every weight by about 1e3, and the
    // loss explodes at once. The device has run all of the submission's steps by the time the
    // host sees the losses; it must go back to the weights of the step before the divergence:
    // bit for bit those of a device trainer stopped there (the same batches, the same kernels).
    // (Against the CPU only the step: a gradient entry near Adam's eps turns its float rounding
    // into differences of order 1 in weights of order 1e3.)
    auto gpu = vk::makeVulkanBackend("", 0, kOnDevice);
    const PointSet data = loadDataset("moons", {500, -1, 0, 0});
    TrainConfig config = trainPreset("moons");
    config.model.width = 64;
    config.batch = 200;
    config.threads = 1;
    config.adam.lr = 1e3;
    config.adam.warmup = 0;
    Trainer cpu(data, config), dev(data, config), stopped(data, config);
    REQUIRE(dev.useDevice(*gpu));
    REQUIRE(stopped.useDevice(*gpu));
    const TrainProgress a = cpu.train(10), b = dev.train(10);
    REQUIRE(a.diverged);
    CHECK(b.diverged);
    // "training diverged at step N (loss ...": the same step (the losses differ in rounding).
    CHECK(b.message.substr(0, b.message.find('(')) == a.message.substr(0, a.message.find('(')));
    CHECK(dev.log().size() == cpu.log().size());
    REQUIRE(dev.step() == cpu.step());
    REQUIRE(dev.step() < 10);
    CHECK_FALSE(stopped.train(dev.step()).diverged);
    for (bool ema : {false, true}) {
        const auto ma = stopped.snapshot(ema), mb = dev.snapshot(ema);
        INFO((ema ? "EMA" : "raw") << " weights");
        CHECK(maxDiff(ma->net.params(), mb->net.params()) == 0.0);
    }
    CHECK(dev.train(5).diverged); // and it stays stopped
    requireClean(*gpu);
}

TEST_CASE("vulkan: a submission past its timeout is an error, then a clean shutdown", "[vulkan]") {
    // A microsecond is far too short for this dispatch: the wait gives up with an error, the
    // backend refuses further work with a message, and destroying it waits for the device
    // before freeing the buffers the abandoned work still uses (no crash).
    vk::VulkanOptions options = kOnDevice;
    options.timeoutSeconds = 1e-6;
    auto gpu = vk::makeVulkanBackend("", 0, options);
    const Matrix train = queries(20000, 2, 1.0);
    PointSet data{"big", train, {}, std::nullopt};
    const auto model = makeDenoiser("ideal", data);
    const NoiseLevel l = makeSchedule("ve")->at(0.5);
    Matrix out;
    try {
        gpu->denoise(*model, queries(6000, 2, 2.0), l, out);
        FAIL("a dispatch of 1.2e8 pairs finished within a microsecond");
    } catch (const DeviceError& e) {
        CHECK(std::string(e.what()).find("did not finish within") != std::string::npos);
    }
    try {
        gpu->denoise(*model, queries(10, 2, 2.0), l, out);
        FAIL("the backend took more work after giving up on a submission");
    } catch (const DeviceError& e) {
        CHECK(std::string(e.what()).find("--backend cpu") != std::string::npos);
    }
    requireClean(*gpu); // nothing the abandoned work used was touched
    gpu.reset();
}

TEST_CASE("vulkan: a whole device run hands back frames every k steps, as the CPU steps them",
          "[vulkan]") {
    // sampleToEnd with frames every 3 of 11 steps: the device sends x after steps 3, 6, 9 and
    // 11, each within float rounding of the CPU's SamplerRun frames (1e-3 of the scale), with
    // the CPU's NFE.
    {
        auto gpu = vk::makeVulkanBackend("", 0, kOnDevice);
        CpuBackend cpu(2);
        const auto gmm = makeDenoiser("exact", loadDataset("gmm8", {100, -1, 0, 0}));
        const auto s = makeSchedule("cosine");
        for (const char* sampler : {"ddim", "heun", "dpmpp-2m", "em"}) {
            INFO(sampler);
            const SamplerRunConfig c = makeRunConfig(*s, sampler, 11, "", 7.0, {}, 21);
            const Matrix x0 = SamplerRun::priorSample(*s, c.grid.front(), 2000, 2, 8);
            SamplerRun run(*s, *gmm, cpu, c, x0);
            std::vector<Matrix> expected{x0};
            while (!run.done()) expected.push_back(run.step().x);
            std::vector<int> steps;
            double worst = 0;
            const SampleResult r = sampleToEnd(
                *s, *gmm, *gpu, c, x0,
                [&](int step, double t, const Matrix& x) {
                    steps.push_back(step);
                    CHECK(t == c.grid[std::size_t(step)]);
                    const Matrix& e = expected[std::size_t(step)];
                    worst = std::max(worst, (x - e).cwiseAbs().maxCoeff() /
                                                std::max(1.0, e.cwiseAbs().maxCoeff()));
                },
                3);
            CHECK(r.onDevice);
            CHECK(r.nfe == run.current().nfe);
            CHECK(steps == std::vector<int>{0, 3, 6, 9, 11});
            INFO("max error " << worst);
            CHECK(worst <= 1e-3);
        }
        requireClean(*gpu);
    }
}
