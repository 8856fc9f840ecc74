// `diffuscope-cli demo`: the default scene until the GUI arrives. Samples a dataset with a
// sampler, prints data and samples side by side in the terminal, and measures how close they
// are (energy distance, against the data-vs-data value of the same size).
#include "app/cli/ascii_plot.hpp"
#include "app/cli/command.hpp"
#include "app/cli/model_options.hpp"
#include "core/backend/backend.hpp"
#include "core/datasets/dataset_registry.hpp"
#include "core/errors.hpp"
#include "core/metrics/energy_distance.hpp"
#include "core/samplers/sample_to_end.hpp"
#include "core/scene/scene_fit.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <chrono>
#include <memory>

namespace dfs::cli {

namespace {

struct DemoOptions {
    ModelOptions model;
    std::string sampler = "heun";
    int steps = 50;
    long n = 2000;
    std::uint64_t seed = 1;
    double extent = 2.5;
};

void runDemo(DemoOptions o) {
    const SamplerInfo& info = findSampler(o.sampler);
    if (o.n < 2 || o.n > 200000)
        throw UsageError(fmt::format("--n must be in [2, 200000] (got {})", o.n));
    requireFinite("--extent", o.extent);
    if (o.extent <= 0) throw UsageError("--extent must be > 0");
    if (o.model.denoiser.empty()) {
        SceneData data;
        data.dataset = o.model.dataset;
        o.model.denoiser = defaultDenoiser(data);
    }
    LoadedModel m = buildModel(o.model);
    if (m.denoiser->dim() != 2) throw UsageError("the demo draws 2D data only");
    const SamplerRunConfig config =
        makeRunConfig(*m.schedule, info.name, o.steps, "", 7.0, {}, o.seed);
    auto backend = makeBackend("cpu");
    const auto start = std::chrono::steady_clock::now();
    const SampleResult run =
        sampleToEnd(*m.schedule, *m.denoiser, *backend, config,
                    SamplerRun::priorSample(*m.schedule, config.grid.front(), o.n, 2, o.seed));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    // Compare with fresh draws of the same dataset (another seed), and give the value two data
    // samples of this size reach, so the number can be read without knowing the metric.
    DatasetOptions fresh{o.n, datasetNoise(o.model.dataNoise), o.model.dataSeed + 1000};
    DatasetOptions fresh2{o.n, datasetNoise(o.model.dataNoise), o.model.dataSeed + 2000};
    const bool builtin = m.data.name == o.model.dataset;
    const Matrix ref = builtin ? loadDataset(o.model.dataset, fresh).points : m.data.points;
    const double ed = energyDistance(run.x, ref);

    const auto left = asciiScatter(m.data.points, o.extent, 36, 18,
                                   fmt::format("data: {} ({} points)", m.data.name, m.data.size()));
    const auto right = asciiScatter(run.x, o.extent, 36, 18,
                                    fmt::format("{} samples, {} steps", info.name, o.steps));
    fmt::print("Diffuscope demo: {} denoiser, {} schedule, {} sampler\n\n", m.denoiser->name(),
               m.schedule->name(), info.name);
    for (std::size_t i = 0; i < left.size(); ++i) fmt::print("{}   {}\n", left[i], right[i]);
    fmt::print("\n{} particles, {} NFE, {:.2f} s on {}\n", o.n, run.nfe, seconds,
               backend->device());
    if (builtin) {
        const double base = energyDistance(ref, loadDataset(o.model.dataset, fresh2).points);
        fmt::print(
            "energy distance to fresh data: {:.5f} (two data samples of this size: {:.5f})\n", ed,
            base);
    } else {
        fmt::print("energy distance to the data: {:.5f}\n", ed);
    }
    fmt::print("\nNext: 'diffuscope-cli list' for every dataset, schedule and sampler; "
               "'diffuscope-cli sample --help' to write samples and trajectories.\n");
}

} // namespace

Command addDemoCommand(CLI::App& app) {
    auto o = std::make_shared<DemoOptions>();
    o->model.dataset = "gmm8";
    CLI::App* cmd = app.add_subcommand("demo", "sample a dataset and draw it in the terminal");
    cmd->add_option("--dataset", o->model.dataset, "built-in dataset or CSV")
        ->capture_default_str();
    cmd->add_option("--denoiser", o->model.denoiser, "exact or ideal (default: exact for GMMs)");
    cmd->add_option("--schedule", o->model.schedule, "noise schedule")->capture_default_str();
    cmd->add_option("--sampler", o->sampler, "sampler")->capture_default_str();
    cmd->add_option("--steps", o->steps, "steps")->capture_default_str();
    cmd->add_option("--n", o->n, "particles")->capture_default_str();
    addSeedOption(*cmd, "--seed", o->seed, "seed");
    cmd->add_option("--extent", o->extent, "half-width of the plots")->capture_default_str();
    return {cmd, [o] { runDemo(*o); }};
}

} // namespace dfs::cli
