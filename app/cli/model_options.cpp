// Shared model options and their validation.
#include "app/cli/model_options.hpp"

#include "core/datasets/dataset_registry.hpp"
#include "core/denoisers/denoiser_factory.hpp"
#include "core/errors.hpp"
#include "core/io/table_io.hpp"

#include <CLI/App.hpp>
#include <CLI/Validators.hpp>
#include <fmt/format.h>

#include <cmath>

namespace dfs::cli {

void addSeedOption(CLI::App& cmd, const std::string& flag, std::uint64_t& seed,
                   const std::string& help) {
    const CLI::Validator wholeNumber(
        [](std::string& v) -> std::string {
            const bool digits =
                !v.empty() && v.find_first_not_of("0123456789") == std::string::npos;
            // Equal-length decimal strings compare like their numbers.
            const bool fits = v.size() < 20 || (v.size() == 20 && v <= "18446744073709551615");
            return digits && fits ? "" : "must be a whole number in [0, 2^64 - 1] (got " + v + ")";
        },
        "SEED");
    cmd.add_option(flag, seed, help)->check(wholeNumber)->capture_default_str();
}

void addModelOptions(CLI::App& cmd, ModelOptions& opts, bool required) {
    cmd.add_option("--dataset", opts.dataset,
                   "built-in dataset (see 'list'), or a file of points (CSV x,y[,label] or images "
                   "p0..; .npy; .npz)")
        ->required(required);
    cmd.add_option("--data-n", opts.dataN, "number of dataset points (built-in datasets)")
        ->capture_default_str();
    cmd.add_option("--noise", opts.dataNoise, "dataset noise scale (default: the dataset's own)");
    addSeedOption(cmd, "--data-seed", opts.dataSeed, "dataset seed");
    cmd.add_option("--resolution", opts.resolution,
                   "image datasets: side 8, 16 or 28 (default 28)");
    cmd.add_option("--denoiser", opts.denoiser,
                   "exact (closed form, Gaussian-mixture datasets) or ideal (finite training set)")
        ->required(required);
    cmd.add_option("--denoiser-below", opts.denoiserBelow,
                   "untied networks: this denoiser (exact, ideal or a .dsm) below --sigma-split, "
                   "--denoiser at and above it (default: --denoiser everywhere)");
    cmd.add_option("--sigma-split", opts.sigmaSplit,
                   "with --denoiser-below: the switch level sigma~ = sigma/alpha (0: --denoiser "
                   "everywhere, inf: --denoiser-below everywhere)")
        ->capture_default_str();
    cmd.add_option("--schedule", opts.schedule, "noise schedule (see 'list')")
        ->capture_default_str();
    cmd.add_option("--class", opts.label,
                   "condition on this class (GMM component, label column, or conditional model)");
    cmd.add_option("--guidance", opts.guidance,
                   "classifier-free guidance scale with --class (1 = none, 0 = unconditional)")
        ->capture_default_str();
}

void requireFinite(const char* flag, double value) {
    if (!std::isfinite(value))
        throw UsageError(fmt::format("{} must be a finite number (got {})", flag, value));
}

double datasetNoise(std::optional<double> flag) {
    if (!flag) return -1.0;
    requireFinite("--noise", *flag);
    if (*flag < 0) throw UsageError(fmt::format("--noise must be >= 0 (got {})", *flag));
    return *flag;
}

LoadedModel buildModel(const ModelOptions& opts) {
    if (opts.dataN < 1 || opts.dataN > long(kMaxDatasetPoints))
        throw UsageError(fmt::format("--data-n must be in [1, {}] (got {})",
                                     long(kMaxDatasetPoints), opts.dataN));
    LoadedModel m;
    m.schedule = makeSchedule(opts.schedule);
    DatasetOptions d;
    d.n = opts.dataN;
    d.noise = datasetNoise(opts.dataNoise);
    d.seed = opts.dataSeed;
    d.resolution = opts.resolution;
    m.data = loadDataset(opts.dataset, d);
    if (opts.denoiserBelow.empty() && opts.sigmaSplit != 1.0)
        throw UsageError("--sigma-split needs --denoiser-below (the network under the split)");
    m.denoiser = makeDenoiser(opts.denoiser, opts.denoiserBelow, opts.sigmaSplit, m.data,
                              {opts.label, opts.guidance});
    return m;
}

double resolveTime(const Schedule& schedule, std::optional<double> t, std::optional<double> sigma) {
    if (t.has_value() == sigma.has_value()) throw UsageError("give exactly one of --t and --sigma");
    if (t) {
        requireFinite("--t", *t);
        if (*t < 0 || *t > 1) throw UsageError(fmt::format("--t must be in [0, 1] (got {})", *t));
        return *t;
    }
    requireFinite("--sigma", *sigma);
    if (const std::optional<double> time = schedule.timeOfSigmaTilde(*sigma)) return *time;
    throw UsageError(fmt::format("--sigma must be 0 or in [{:g}, {:g}] for schedule {} (got {})",
                                 schedule.sigmaTildeMin(), schedule.sigmaTildeMax(),
                                 schedule.name(), *sigma));
}

std::vector<std::string> pointColumns(int dim) {
    if (dim == 2) return {"x", "y"};
    std::vector<std::string> names;
    for (int i = 0; i < dim; ++i) names.push_back(fmt::format("p{}", i));
    return names;
}

Matrix readPoints(const std::string& path) {
    const CsvTable table = readTable(path); // .npy, .npz or CSV by the extension
    if (table.values.rows() == 0)
        throw DataError(fmt::format("{}: no points after the header", path));
    if (table.header.empty()) return table.values; // an unnamed .npy/.npz array: N x D
    const int ix = table.column("x"), iy = table.column("y");
    if (ix >= 0 && iy >= 0 && table.header.size() == 2) {
        Matrix p(table.values.rows(), 2);
        p.col(0) = table.values.col(ix);
        p.col(1) = table.values.col(iy);
        return p;
    }
    if (table.header != pointColumns(int(table.header.size())))
        throw DataError(fmt::format("{}: expected the columns x,y (got {})", path,
                                    fmt::join(table.header, ",")));
    return table.values;
}

} // namespace dfs::cli
