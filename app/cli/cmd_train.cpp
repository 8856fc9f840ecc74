// `diffuscope-cli train`: trains a denoiser (an MLP, or a U-Net for images) on a dataset, prints
// progress and the error per noise level against the exact (GMM) or ideal denoiser, writes a
// .dsm model and an optional CSV log (step,loss,lr,grad_norm).
#include "app/cli/command.hpp"
#include "app/cli/model_options.hpp"
#include "core/backend/backend.hpp"
#include "core/datasets/dataset_registry.hpp"
#include "core/denoisers/denoiser_factory.hpp"
#include "core/denoisers/learned_denoiser.hpp"
#include "core/errors.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/csv.hpp"
#include "core/io/table_writer.hpp"
#include "core/metrics/denoiser_gap.hpp"
#include "core/model/checkpoint.hpp"
#include "core/model/safetensors.hpp"
#include "core/training/presets.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <optional>

namespace dfs::cli {

namespace {

struct TrainOptions {
    std::string dataset, out, log, backend = "cpu";
    long dataN = 8000;
    std::optional<double> noise;
    std::uint64_t dataSeed = 0, seed = 0;
    int resolution = 0;
    std::optional<std::string> schedule, target, activation, weighting, timeSampling, architecture;
    std::optional<long> steps;
    std::optional<int> batch, width, depth, warmup, channels, groups;
    std::optional<double> lr, ema, clip, weightDecay, labelDropout;
    bool conditional = false;
    int threads = 0;
};

TrainConfig configFrom(const TrainOptions& o) {
    TrainConfig c = trainPreset(o.dataset);
    if (o.schedule) c.model.schedule = *o.schedule;
    if (o.target) c.model.target = parseTrainTarget(*o.target);
    if (o.activation) c.model.activation = parseActivation(*o.activation);
    if (o.weighting) c.weighting = parseLossWeighting(*o.weighting);
    if (o.timeSampling) c.timeSampling = parseTimeSampling(*o.timeSampling);
    if (o.steps) c.adam.totalSteps = *o.steps;
    if (o.batch) c.batch = *o.batch;
    if (o.width) c.model.width = *o.width;
    if (o.depth) c.model.depth = *o.depth;
    if (o.architecture) c.model.architecture = *o.architecture;
    if (o.channels) c.model.channels = *o.channels;
    if (o.groups) c.model.groups = *o.groups;
    if (o.warmup) c.adam.warmup = *o.warmup;
    if (o.lr) c.adam.lr = *o.lr;
    if (o.ema) c.emaDecay = *o.ema;
    if (o.clip) c.gradClip = *o.clip;
    if (o.weightDecay) c.adam.weightDecay = *o.weightDecay;
    if (o.labelDropout) c.labelDropout = *o.labelDropout;
    c.conditional = o.conditional;
    c.seed = o.seed;
    c.threads = o.threads;
    return c;
}

void runTrain(const TrainOptions& o) {
    // An unknown or unavailable backend names itself; it outlives the trainer that uses it.
    const auto backend = makeBackend(o.backend, o.threads);
    if (o.steps && (*o.steps < 1 || *o.steps > 10'000'000))
        throw UsageError(fmt::format("--steps must be in [1, 10000000] (got {})", *o.steps));
    if (o.dataN < 2 || o.dataN > long(kMaxDatasetPoints))
        throw UsageError(
            fmt::format("--data-n must be in [2, {}] (got {})", long(kMaxDatasetPoints), o.dataN));
    const TrainConfig config = configFrom(o);
    config.validate();
    if (!isCheckpointPath(o.out)) throw UsageError("--out must name a .dsm or .safetensors file");
    if (isSafetensorsPath(o.out) && config.model.architecture != "mlp")
        throw UsageError(fmt::format("--out {}: only MLP models are written as safetensors (this "
                                     "is a {}; use a .dsm file)",
                                     o.out, config.model.architecture));
    { AtomicFile probe(o.out); } // the folder is writable: find out now, not after training
    const PointSet data =
        loadDataset(o.dataset, {o.dataN, datasetNoise(o.noise), o.dataSeed, o.resolution});
    Trainer trainer(data, config);
    // MLPs train on a device that has a training path (forward, backward and AdamW there);
    // anything else on the CPU, which says so.
    const bool onDevice = o.backend != "cpu" && trainer.useDevice(*backend);
    if (o.backend != "cpu" && !onDevice)
        fmt::print("note: {} has no training path for this model here; training on the CPU\n",
                   backend->device());
    std::optional<TableWriter> log;
    if (!o.log.empty())
        log.emplace(o.log, std::vector<std::string>{"step", "loss", "lr", "grad_norm"});

    const long total = config.adam.totalSteps;
    const std::string net =
        config.model.architecture == "unet"
            ? fmt::format("U-Net {} channels, {} groups", config.model.channels,
                          config.model.groups)
            : fmt::format("MLP {}x{} {}, kernels {}", config.model.depth, config.model.width,
                          activationName(config.model.activation), mlpKernels().isa);
    fmt::print("training a denoiser on {} ({} {}): target {}, schedule {}, {}, batch {}, lr {:g}, "
               "{} steps, on {}\n",
               data.name, data.size(), data.dim() == 2 ? "points" : "images",
               predictionName(config.model.target), config.model.schedule, net, config.batch,
               config.adam.lr, total, onDevice ? backend->device() : "the CPU");
    const auto start = std::chrono::steady_clock::now();
    const long chunk = std::max(1L, total / 10);
    TrainProgress p;
    while (trainer.step() < total && !p.diverged) {
        p = trainer.train(std::min(chunk, total - trainer.step()));
        if (trainer.log().empty()) break; // diverged on the very first step
        const auto& rec = trainer.log().back();
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        fmt::print("  step {:>7}  loss {:.5f}  lr {:.2e}  {:.1f} s\n", rec.step + 1, rec.loss,
                   rec.lr, s);
    }
    if (log) {
        for (const auto& r : trainer.log()) {
            const double row[] = {double(r.step), r.loss, r.lr, r.gradNorm};
            log->row(row);
        }
        log->commit();
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // A diverged run writes no model: whatever --out held before stays as it was.
    if (p.diverged) throw DataError(fmt::format("{}; {} was not written", p.message, o.out));
    auto model = trainer.snapshot();
    saveCheckpoint(o.out, *model,
                   {data.name, trainer.step(), o.seed,
                    trainer.log().empty() ? 0.0 : trainer.log().back().loss});
    fmt::print("{} steps in {:.1f} s ({:.0f} steps/s); wrote {}{}{}\n", trainer.step(), seconds,
               double(trainer.step()) / seconds, o.out, log ? " and " : "", o.log);

    fmt::print("training error in x0 units (running mean) by t-bucket:\n ");
    const auto buckets = trainer.bucketError();
    for (std::size_t b = 0; b < buckets.size(); ++b)
        fmt::print(" {:.1f}-{:.1f}:{:.4f}", b / 10.0, (b + 1) / 10.0, buckets[b]);
    fmt::print("\n");
    // How far the learned denoiser is from the true one at each noise level.
    const std::string refName = data.gmm ? "exact" : "ideal";
    const auto reference = makeDenoiser(refName, data);
    const LearnedDenoiser learned(model);
    const auto schedule = makeSchedule(config.model.schedule);
    const auto gap = denoiserGap(learned, *reference, *schedule, data.points, 2000, o.seed);
    fmt::print("mean squared error of D against the {} denoiser, by t:\n ", refName);
    for (const auto& g : gap) fmt::print(" {:.1f}:{:.4f}", g.t, g.meanSquaredError);
    fmt::print("\n");
}

} // namespace

Command addTrainCommand(CLI::App& app) {
    auto o = std::make_shared<TrainOptions>();
    CLI::App* cmd = app.add_subcommand(
        "train", "train a denoiser (MLP, or U-Net for images); write a .dsm model");
    cmd->add_option("--dataset", o->dataset, "built-in dataset or CSV of points")->required();
    cmd->add_option("--data-n", o->dataN, "dataset points (built-in)")->capture_default_str();
    cmd->add_option("--noise", o->noise, "dataset noise (default: the dataset's own)");
    addSeedOption(*cmd, "--data-seed", o->dataSeed, "dataset seed");
    cmd->add_option("--resolution", o->resolution, "image datasets: side 8, 16 or 28 (default 28)");
    cmd->add_option("--schedule", o->schedule,
                    "schedule the target is defined on (preset: cosine)");
    cmd->add_option("--target", o->target, "eps, x0, v, score, velocity or edm (preset: edm)");
    cmd->add_option("--steps", o->steps, "training steps (preset: 8000; images 4000)");
    cmd->add_option("--batch", o->batch, "batch size (preset: 512; images 32)");
    cmd->add_option("--architecture", o->architecture,
                    "mlp, or unet for square images (preset: unet for image datasets)");
    cmd->add_option("--channels", o->channels, "U-Net base channels (preset: 32)");
    cmd->add_option("--groups", o->groups, "U-Net GroupNorm groups (preset: 8)");
    cmd->add_option("--width", o->width, "hidden units per layer (preset: 128)");
    cmd->add_option("--depth", o->depth, "hidden layers (preset: 3)");
    cmd->add_option("--activation", o->activation, "silu, gelu or relu (preset: silu)");
    cmd->add_option("--lr", o->lr, "peak learning rate (preset: 1e-3)");
    cmd->add_option("--warmup", o->warmup, "warm-up steps (preset: 100)");
    cmd->add_option("--weight-decay", o->weightDecay, "AdamW weight decay (preset: 0)");
    cmd->add_option("--clip", o->clip, "gradient-norm clip, 0 = off (preset: 1)");
    cmd->add_option("--ema", o->ema, "EMA decay of the weights (preset: 0.995; images 0.999)");
    cmd->add_option("--weighting", o->weighting, "target, snr, min-snr or edm (preset: target)");
    cmd->add_option("--time-sampling", o->timeSampling,
                    "uniform, logit-normal or log-normal (preset: uniform)");
    cmd->add_flag("--conditional", o->conditional, "class-conditional on the data's labels");
    cmd->add_option("--label-dropout", o->labelDropout, "label dropout for guidance (0.1)");
    addSeedOption(*cmd, "--seed", o->seed, "training seed");
    cmd->add_option("--threads", o->threads, "CPU threads (0 = one per core)")
        ->capture_default_str();
    cmd->add_option("--backend", o->backend, "compute backend")->capture_default_str();
    cmd->add_option("--out", o->out, "model file: .dsm, or .safetensors (MLP; PyTorch layout)")
        ->required();
    cmd->add_option("--log", o->log, "log of the loss per step (.csv, .npy or .npz)");
    return {cmd, [o] { runTrain(*o); }};
}

} // namespace dfs::cli
