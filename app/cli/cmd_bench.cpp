// `diffuscope-cli bench`: fixed workloads that print their throughput, for the benchmark
// targets (tests/bench) and for users comparing machines. Timings are medians of repeats after
// a warm-up; the figures go to stdout as one key=value line per workload.
#include "app/cli/command.hpp"
#include "app/cli/model_options.hpp"
#include "core/backend/backend.hpp"
#include "core/datasets/dataset_registry.hpp"
#include "core/denoisers/denoiser_factory.hpp"
#include "core/denoisers/learned_denoiser.hpp"
#include "core/errors.hpp"
#include "core/field.hpp"
#include "core/samplers/ode_likelihood.hpp"
#include "core/samplers/sample_to_end.hpp"
#include "core/training/presets.hpp"
#include "core/training/trainer.hpp"
#ifdef DIFFUSCOPE_HAS_VULKAN
#include "core/vulkan/vulkan_backend.hpp"
#endif

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <vector>

namespace dfs::cli {

namespace {

struct BenchOptions {
    std::string workload, backend = "cpu";
    int threads = 0, repeat = 5;
    bool coopmat = false;          ///< vulkan: the cooperative-matrix MLP kernel
    long particles = 100000;       ///< ddim
    int steps = 100;               ///< ddim
    int batch = 256;               ///< train
    long points = 8000;            ///< field: data points
    int grid = 128;                ///< field: grid side
    long likelihoodPoints = 10000; ///< likelihood: points
    bool single = false;           ///< likelihood: the MLP in float
    std::string solver = "rk4";    ///< likelihood: rk4 (--steps) or rk45 (--tol)
    double tol = 1e-5;             ///< likelihood rk45: rtol = atol
    int block = 1;                 ///< likelihood rk45: points sharing one step size
};

double medianSeconds(int repeat, const std::function<void()>& work) {
    work(); // warm-up: thread start, page faults, caches
    std::vector<double> times;
    for (int r = 0; r < repeat; ++r) {
        const auto start = std::chrono::steady_clock::now();
        work();
        times.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

/// The ideal-denoiser field of issue 2: 8,000 moons points, a 128 x 128 grid, sigma = 0.5 (ve).
void benchField(const BenchOptions& o, Backend& backend) {
    if (o.points < 2 || o.points > 1'000'000 || o.grid < 2 || o.grid > 4096)
        throw UsageError("--points must be in [2, 1e6] and --grid in [2, 4096]");
    const PointSet data = makeDataset("moons", {o.points, -1, 0});
    const auto model = makeDenoiser("ideal", data);
    const auto schedule = makeSchedule("ve");
    const NoiseLevel level = schedule->at(resolveTime(*schedule, std::nullopt, 0.5));
    const Matrix x = gridPoints(o.grid, 3.0);
    Matrix out;
    const double s = medianSeconds(o.repeat, [&] { backend.denoise(*model, x, level, out); });
    const double pairs = double(x.rows()) * double(data.size());
    fmt::print("bench field: ideal denoiser, {} moons points x {}x{} grid, sigma 0.5 | "
               "backend={} device=\"{}\" pairs={:.0f} median_s={:.5f} gpairs_per_s={:.4f}\n",
               o.points, o.grid, o.grid, backend.name(), backend.device(), pairs, s,
               pairs / s * 1e-9);
}

/// Sampling throughput: 100,000 gmm8 particles, exact denoiser, Heun 50 steps (99 NFE).
void benchSample(const BenchOptions& o, Backend& backend) {
    const PointSet data = makeDataset("gmm8", {2000, -1, 0});
    const auto model = makeDenoiser("exact", data);
    const auto schedule = makeSchedule("vp-linear");
    const SamplerRunConfig config = makeRunConfig(*schedule, "heun", 50, "karras");
    const Index n = 100000;
    const Matrix x0 = SamplerRun::priorSample(*schedule, config.grid.front(), n, 2, 0);
    long nfe = 0;
    bool whole = false;
    const double s = medianSeconds(std::max(1, o.repeat / 2), [&] {
        const SampleResult r = sampleToEnd(*schedule, *model, backend, config, x0);
        nfe = r.nfe;
        whole = r.onDevice;
    });
    fmt::print("bench sample: heun 50 steps, exact gmm8, 100000 particles{} | backend={} "
               "device=\"{}\" nfe={} median_s={:.4f} mevals_per_s={:.3f}\n",
               whole ? ", whole run on the device" : "", backend.name(), backend.device(), nfe, s,
               double(n) * double(nfe) / s * 1e-6);
}

/// Training throughput on issue 3's standard workload: MLP 34 -> 128 -> 128 -> 128 -> 2 (SiLU;
/// 2-D input + 32 sinusoidal features), batch 256, Adam, eps target, cosine, 8,000 moons.
void benchTrain(const BenchOptions& o) {
    const PointSet data = makeDataset("moons", {8000, -1, 0});
    TrainConfig c;
    c.model.width = 128;
    c.model.depth = 3;
    c.model.embedDim = 32;
    c.model.target = Prediction::Eps;
    c.model.schedule = "cosine";
    if (o.batch < 1 || o.batch > 65536)
        throw UsageError(fmt::format("--batch must be in [1, 65536] (got {})", o.batch));
    c.batch = o.batch;
    c.gradClip = 0;
    c.threads = o.threads;
    const long steps = 400L * o.repeat;
    c.adam.totalSteps = steps;
    const auto backend = makeBackend(o.backend, o.threads); // outlives the trainer
    Trainer trainer(data, c);
    const bool onDevice = trainer.useDevice(*backend);
    trainer.train(50); // warm-up
    const auto start = std::chrono::steady_clock::now();
    trainer.train(steps);
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fmt::print("bench train: MLP 34-128-128-128-2 silu, batch {}, adam, eps, cosine, 8000 moons | "
               "threads={} kernels={} device=\"{}\" steps={} seconds={:.3f} steps_per_s={:.1f}\n",
               c.batch, trainer.threads(), mlpKernels().isa, onDevice ? backend->device() : "CPU",
               steps, s, double(steps) / s);
}

/// Image training throughput (issue 7): the preset U-Net (32 channels, 8 groups, two
/// resolutions, attention) on 16x16 shapes, batch 64 (the PyTorch twin's), Adam, EDM, cosine.
void benchUnet(const BenchOptions& o) {
    const PointSet data = loadDataset("shapes", {4000, -1, 0, 16});
    TrainConfig c = trainPreset("shapes");
    c.batch = 64; // the workload's, whatever the preset's
    c.threads = o.threads;
    c.gradClip = 0;
    const long steps = 8L * o.repeat;
    c.adam.totalSteps = steps + 2;
    Trainer trainer(data, c);
    trainer.train(2); // warm-up
    const auto start = std::chrono::steady_clock::now();
    trainer.train(steps);
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fmt::print("bench unet: U-Net 16x16 C32 G8 attention, batch 64, adam, edm, cosine, shapes | "
               "threads={} "
               "params={} steps={} seconds={:.3f} images_per_s={:.1f}\n",
               trainer.threads(), trainer.snapshot()->net.paramCount(), steps, s,
               double(steps) * c.batch / s);
}

/// Sampling throughput of a learned model (issue 4's standard workload): deterministic DDIM
/// with the standard MLP 34 -> 128 -> 128 -> 128 -> 2 (SiLU, EDM head, cosine; untrained, as
/// the weights do not change the work), --particles x --steps. A backend that can runs it whole
/// on its device (Backend::runSampler); the CPU steps a SamplerRun.
void benchDdim(const BenchOptions& o, Backend& backend) {
    if (o.particles < 1 || o.particles > 100'000'000 || o.steps < 1 || o.steps > 10000)
        throw UsageError("--particles must be in [1, 1e8] and --steps in [1, 10000]");
    const PointSet data = makeDataset("moons", {1000, -1, 0});
    TrainConfig c = trainPreset("moons");
    const LearnedDenoiser model(Trainer(data, c).snapshot());
    const auto schedule = makeSchedule("cosine");
    const SamplerRunConfig config = makeRunConfig(*schedule, "ddim", o.steps, "uniform");
    const Matrix x0 = SamplerRun::priorSample(*schedule, config.grid.front(), o.particles, 2, 0);
    bool whole = false;
    const double s = medianSeconds(std::max(1, o.repeat / 2), [&] {
        whole = sampleToEnd(*schedule, model, backend, config, x0).onDevice;
    });
    fmt::print("bench ddim: MLP 34-128-128-128-2 silu, {} particles x {} steps{} | backend={} "
               "device=\"{}\" median_s={:.4f} mparticle_steps_per_s={:.2f}\n",
               o.particles, o.steps, whole ? ", whole run on the device" : "", backend.name(),
               backend.device(), s, double(o.particles) * o.steps / s * 1e-6);
}

/// Exact likelihood through the PF-ODE (issue 17): --likelihood-points moons points through the
/// standard MLP 34 -> 128 -> 128 -> 128 -> 2 (SiLU, EDM head, cosine; untrained, as the weights
/// do not change the work), fixed-step RK4 with --steps steps from t = 1e-3 to 1, the exact 2-D
/// trace by forward mode (core/samplers/ode_likelihood.hpp); or with --solver rk45 Dormand-
/// Prince with rtol = atol = --tol, each point with its own step size (block 1).
void benchLikelihood(const BenchOptions& o) {
    if (o.likelihoodPoints < 1 || o.likelihoodPoints > 10'000'000 || o.steps < 1 || o.steps > 10000)
        throw UsageError("--likelihood-points must be in [1, 1e7] and --steps in [1, 10000]");
    requireFinite("--tol", o.tol);
    if (!(o.tol >= 1e-12 && o.tol <= 0.1))
        throw UsageError(fmt::format("--tol must be in [1e-12, 0.1] (got {})", o.tol));
    const PointSet data = makeDataset("moons", {o.likelihoodPoints, -1, 0});
    TrainConfig c = trainPreset("moons");
    const LearnedDenoiser model(Trainer(makeDataset("moons", {1000, -1, 0}), c).snapshot());
    const auto schedule = makeSchedule("cosine");
    LikelihoodOptions lo;
    lo.solver = parseOdeSolver(o.solver);
    lo.steps = o.steps;
    lo.rtol = lo.atol = o.tol;
    if (o.block < 1 || o.block > 100000)
        throw UsageError(fmt::format("--block must be in [1, 100000] (got {})", o.block));
    lo.block = o.block;
    lo.threads = o.threads;
    lo.singlePrecision = o.single;
    double nll = 0, nfe = 0;
    const double s = medianSeconds(o.repeat, [&] {
        const LikelihoodResult r = odeLogLikelihood(model, *schedule, data.points, lo);
        nll = r.meanNll();
        nfe = 0;
        for (const long v : r.nfe) nfe += double(v);
        nfe /= double(r.nfe.size());
    });
    const std::string how = lo.solver == OdeSolver::Rk4
                                ? fmt::format("rk4 {} steps ({} NFE)", o.steps, 4 * o.steps)
                                : fmt::format("rk45 rtol = atol = {:g}, block {}", o.tol, o.block);
    fmt::print("bench likelihood: MLP 34-128-128-128-2 silu, {} points, {}, exact 2-D trace in "
               "{} | mean_nll={:.4f} mean_nfe={:.1f} median_s={:.4f} points_per_s={:.1f}\n",
               o.likelihoodPoints, how, o.single ? "float" : "double", nll, nfe, s,
               double(o.likelihoodPoints) / s);
}

void runBench(const BenchOptions& o) {
    if (o.repeat < 1 || o.repeat > 1000)
        throw UsageError(fmt::format("--repeat must be in [1, 1000] (got {})", o.repeat));
    if (o.workload == "train") return benchTrain(o);
    if (o.workload == "unet") return benchUnet(o);
    if (o.workload == "likelihood") return benchLikelihood(o);
    if (o.workload == "render") {
#ifdef DIFFUSCOPE_HAS_RENDER
        return benchRender(o.threads, o.repeat);
#else
        throw UsageError(
            "--workload render needs a build with the Qt layer (DIFFUSCOPE_BUILD_GUI)");
#endif
    }
    if (o.workload != "field" && o.workload != "sample" && o.workload != "ddim")
        throw UsageError(fmt::format(
            "unknown --workload '{}' (choose from field, sample, ddim, train, unet, likelihood, "
            "render)",
            o.workload));
    // --coopmat: the Vulkan backend's fp16 cooperative-matrix MLP kernel where the device has
    // it (vulkan_backend.hpp, VulkanOptions::cooperativeMatrix), read when the backend is made.
    if (o.coopmat) setenv("DIFFUSCOPE_VULKAN_COOPMAT", "1", 1);
    auto backend = makeBackend(o.backend, o.threads);
    if (o.workload == "field") benchField(o, *backend);
    if (o.workload == "sample") benchSample(o, *backend);
    if (o.workload == "ddim") benchDdim(o, *backend);
#ifdef DIFFUSCOPE_HAS_VULKAN
    // Device time from the queue's timestamps, the warm-up run and all repeats together: the
    // rest of the wall time is uploads, downloads and submission overhead.
    if (const double device = vk::deviceSeconds(*backend); device > 0)
        fmt::print("device time (timestamps, warm-up and repeats): {:.5f} s\n", device);
    if (const std::string kernel = vk::lastKernel(*backend); !kernel.empty())
        fmt::print("kernel: {}\n", kernel);
#endif
}

} // namespace

Command addBenchCommand(CLI::App& app) {
    auto o = std::make_shared<BenchOptions>();
    CLI::App* cmd = app.add_subcommand("bench", "time a fixed workload and print its throughput");
    cmd->add_option("--workload", o->workload,
                    "field, sample, ddim, train, unet, likelihood or render")
        ->required();
    cmd->add_option("--backend", o->backend, "compute backend")->capture_default_str();
    cmd->add_option("--threads", o->threads, "CPU threads (0 = one per core)")
        ->capture_default_str();
    cmd->add_option("--repeat", o->repeat, "timed repeats (the median is printed)")
        ->capture_default_str();
    cmd->add_option("--particles", o->particles, "ddim: particles")->capture_default_str();
    cmd->add_option("--steps", o->steps, "ddim: DDIM steps; likelihood: RK4 steps")
        ->capture_default_str();
    cmd->add_option("--likelihood-points", o->likelihoodPoints, "likelihood: points")
        ->capture_default_str();
    cmd->add_flag("--float", o->single, "likelihood: the MLP and its tangents in float");
    cmd->add_option("--solver", o->solver, "likelihood: rk4 (--steps) or rk45 (--tol)")
        ->capture_default_str();
    cmd->add_option("--tol", o->tol, "likelihood rk45: rtol = atol")->capture_default_str();
    cmd->add_option("--block", o->block,
                    "likelihood rk45: points solved together with one step size (1: per point)")
        ->capture_default_str();
    cmd->add_option("--points", o->points, "field: moons points (issue 4's GPU workload: 60000)")
        ->capture_default_str();
    cmd->add_option("--grid", o->grid, "field: grid side (issue 4's GPU workload: 512)")
        ->capture_default_str();
    cmd->add_flag("--coopmat", o->coopmat,
                  "vulkan: the MLP in fp16 on cooperative matrices where the device has them");
    cmd->add_option("--batch", o->batch, "train: batch size (issue 4's GPU workload: 4096)")
        ->capture_default_str();
    return {cmd, [o] { runBench(*o); }};
}

} // namespace dfs::cli
