// `diffuscope-cli data`: writes a built-in dataset (or a re-read CSV) as x,y[,label] points.
#include "app/cli/command.hpp"
#include "app/cli/model_options.hpp"
#include "core/datasets/dataset_registry.hpp"
#include "core/errors.hpp"
#include "core/io/csv.hpp"
#include "core/io/file_names.hpp"
#include "core/io/table_writer.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <memory>
#include <optional>

namespace dfs::cli {

namespace {

struct DataOptions {
    std::string dataset, out;
    long n = 2000;
    std::optional<double> noise;
    std::uint64_t seed = 0;
    int resolution = 0;
};

void runData(const DataOptions& o) {
    if (o.n < 1 || o.n > long(kMaxDatasetPoints))
        throw UsageError(
            fmt::format("--n must be in [1, {}] (got {})", long(kMaxDatasetPoints), o.n));
    const PointSet data =
        loadDataset(o.dataset, {o.n, datasetNoise(o.noise), o.seed, o.resolution});
    std::vector<std::string> header = pointColumns(data.dim());
    // An .npy array keeps no column names: its columns are the points (or pixels) alone, so
    // that it reads back as data; .npz and CSV keep the labels.
    const bool npy = lowercaseExtension(o.out) == ".npy";
    const bool labelled = !data.labels.empty() && !npy;
    if (npy && !data.labels.empty())
        fmt::print("note: {} keeps no labels (an .npy array has no column names); use .npz or "
                   ".csv to keep them\n",
                   o.out);
    if (labelled) header.push_back("label");
    TableWriter out(o.out, header);
    std::vector<double> values(header.size());
    for (Index r = 0; r < data.size(); ++r) {
        for (int c = 0; c < data.dim(); ++c) values[std::size_t(c)] = data.points(r, c);
        if (labelled) values.back() = data.labels[std::size_t(r)];
        out.row(values);
    }
    out.commit();
    fmt::print("wrote {} {} of {} to {}\n", data.size(), data.dim() == 2 ? "points" : "images",
               data.name, o.out);
}

} // namespace

Command addDataCommand(CLI::App& app) {
    auto o = std::make_shared<DataOptions>();
    CLI::App* cmd = app.add_subcommand(
        "data",
        "write a dataset to CSV (or .npy/.npz by the extension): points x,y[,label], or images "
        "p0..p{D-1}[,label]");
    cmd->add_option("--dataset", o->dataset,
                    "built-in dataset, image dataset (shapes, fashion-mnist, mnist; see 'list'), "
                    "a folder of PNGs, or a CSV of points")
        ->required();
    cmd->add_option("--resolution", o->resolution, "image side: 8, 16 or 28 (default 28)");
    cmd->add_option("--n", o->n, "number of points")->capture_default_str();
    cmd->add_option("--noise", o->noise, "noise scale (default: the dataset's own)");
    addSeedOption(*cmd, "--seed", o->seed, "random seed");
    cmd->add_option("--out", o->out,
                    "output file: .csv, .npy (N x D float64) or .npz (one array "
                    "per column)")
        ->required();
    return {cmd, [o] { runData(*o); }};
}

} // namespace dfs::cli
