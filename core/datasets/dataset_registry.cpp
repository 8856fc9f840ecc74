// The table of built-in datasets, and loading a dataset from a name or a CSV file of points.
#include "core/datasets/dataset_registry.hpp"

#include "core/datasets/dataset_random.hpp"
#include "core/datasets/gmm_datasets.hpp"
#include "core/datasets/gmm_file.hpp"
#include "core/datasets/image_datasets.hpp"
#include "core/datasets/toy_datasets.hpp"
#include "core/errors.hpp"
#include "core/io/table_io.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <system_error>

namespace dfs {

namespace {

using Generator = PointSet (*)(Index n, double noise, std::uint64_t seed);

struct Entry {
    DatasetInfo info;
    Generator make;
};

const std::vector<Entry>& entries() {
    static const std::vector<Entry> table = {
        {{"gmm8", "8 Gaussians on a ring of radius 1.5 (noise = component std)", kGmm8DefaultStd,
          true},
         makeGmm8},
        {{"gmm25", "25 Gaussians on a 5x5 grid, spacing 0.7 (noise = component std)",
          kGmm25DefaultStd, true},
         makeGmm25},
        {{"moons", "two interleaving half circles (scikit-learn make_moons)", kMoonsDefaultNoise,
          false},
         makeMoons},
        {{"swissroll", "2D swiss roll, 1.5 turns", kSwissrollDefaultNoise, false}, makeSwissroll},
        {{"checkerboard", "uniform on the dark squares of a 4x4 board on [-2,2]^2",
          kCheckerboardDefaultNoise, false},
         makeCheckerboard},
        {{"rings", "three concentric circles of radii 0.5, 1, 1.5", kRingsDefaultNoise, false},
         makeRings},
        {{"spirals", "two interleaved Archimedean spirals", kSpiralsDefaultNoise, false},
         makeSpirals},
        {{"pinwheel", "5-arm pinwheel (Johnson et al. 2016; noise = tangential std)",
          kPinwheelDefaultNoise, false},
         makePinwheel},
    };
    return table;
}

std::string builtinNames() {
    std::string names;
    for (const Entry& e : entries()) names += (names.empty() ? "" : ", ") + e.info.name;
    return names;
}

std::string imageNames() {
    std::string names;
    for (const auto& d : imageDatasets()) names += (names.empty() ? "" : ", ") + d.name;
    return names;
}

const Entry* findEntry(const std::string& name) {
    for (const Entry& e : entries())
        if (e.info.name == name) return &e;
    return nullptr;
}

/// Points (columns x, y) or images (columns p0..p{D-1}, as `data` writes them), and optional
/// integer labels, from a CSV, .npy or .npz file (readTable). The unnamed columns of an .npy
/// array (or of the one array of an .npz) are x, y when there are two, else p0..p{D-1}.
PointSet readPointsCsv(const std::string& path) {
    CsvTable table = readTable(path);
    if (table.header.empty()) {
        const Index d = table.values.cols();
        for (Index c = 0; c < d; ++c)
            table.header.push_back(d == 2 ? (c == 0 ? "x" : "y") : fmt::format("p{}", c));
    }
    std::vector<std::string> names; // the data columns, without label
    for (const std::string& name : table.header)
        if (name != "label") names.push_back(name);
    const bool points = names.size() == 2 && table.column("x") >= 0 && table.column("y") >= 0;
    if (points) names = {"x", "y"}; // in that order, whatever the file's
    bool images = !points && !names.empty();
    for (std::size_t i = 0; images && i < names.size(); ++i)
        images = names[i] == fmt::format("p{}", i);
    if (!points && !images) {
        for (const std::string& name : table.header)
            if (name != "x" && name != "y" && name != "label" && name.rfind('p', 0) != 0)
                throw DataError(fmt::format("{}: unexpected column '{}' (a points file has "
                                            "columns x, y and optionally label; an images file "
                                            "p0..p{{D-1}} and optionally label)",
                                            path, name));
        for (const char* required : {"x", "y"})
            if (table.column(required) < 0)
                throw DataError(fmt::format("{}: missing column '{}' (a points file has columns "
                                            "x, y and optionally label; an images file "
                                            "p0..p{{D-1}} in order and optionally label)",
                                            path, required));
        throw DataError(fmt::format("{}: columns {} are neither x, y nor p0..p{{D-1}}", path,
                                    fmt::join(table.header, ",")));
    }
    if (table.values.rows() == 0) throw DataError(fmt::format("{}: no rows", path));
    PointSet set;
    set.name = path;
    set.points.resize(table.values.rows(), Index(names.size()));
    for (std::size_t i = 0; i < names.size(); ++i)
        set.points.col(Index(i)) = table.values.col(table.column(names[i]));
    if (const int lc = table.column("label"); lc >= 0) {
        set.labels.resize(std::size_t(table.values.rows()));
        for (Index r = 0; r < table.values.rows(); ++r) {
            const double v = table.values(r, lc);
            if (v != std::floor(v) || v < 0.0 || v > double(std::numeric_limits<int>::max()))
                throw DataError(
                    fmt::format("{}:{}: label {} is not an integer >= 0", path, r + 2, v));
            set.labels[std::size_t(r)] = int(v);
        }
    }
    return set;
}

} // namespace

const std::vector<DatasetInfo>& builtinDatasets() {
    static const std::vector<DatasetInfo> infos = [] {
        std::vector<DatasetInfo> v;
        for (const Entry& e : entries()) v.push_back(e.info);
        return v;
    }();
    return infos;
}

PointSet makeDataset(const std::string& name, const DatasetOptions& opts) {
    const Entry* entry = findEntry(name);
    if (!entry)
        throw UsageError(fmt::format("unknown dataset '{}' (built-in: {})", name, builtinNames()));
    if (std::isnan(opts.noise)) throw UsageError("--noise must be a number (got NaN)");
    const double noise = opts.noise < 0.0 ? entry->info.defaultNoise : opts.noise;
    datasets::checkArgs(opts.n, noise);
    return entry->make(opts.n, noise, opts.seed);
}

PointSet loadDataset(const std::string& nameOrPath, const DatasetOptions& opts) {
    if (findEntry(nameOrPath)) return makeDataset(nameOrPath, opts);
    if (isGmmFile(nameOrPath)) {
        // A mixture of the user's own: its samples, with the exact parameters.
        const std::string path = nameOrPath.substr(std::string(kGmmFilePrefix).size());
        return sampleGmm(readGmmFile(path), opts.n, opts.seed, nameOrPath);
    }
    if (isImageDataset(nameOrPath))
        return loadImageDataset(nameOrPath, opts.resolution, opts.n, opts.seed);
    std::error_code ec;
    const auto status = std::filesystem::status(nameOrPath, ec);
    if (!nameOrPath.empty() && std::filesystem::is_regular_file(status))
        return readPointsCsv(nameOrPath);
    if (!nameOrPath.empty() && std::filesystem::exists(status))
        throw UsageError(fmt::format("dataset '{}' is not a regular file (built-in: {}; images: "
                                     "{}; or a CSV file or a folder of PNGs)",
                                     nameOrPath, builtinNames(), imageNames()));
    throw UsageError(fmt::format("unknown dataset '{}' (built-in: {}; images: {}; or a CSV file "
                                 "or a folder of PNGs)",
                                 nameOrPath, builtinNames(), imageNames()));
}

} // namespace dfs
