// Image dataset loading: IDX pairs (images + labels) for the MNIST family, the built-in shapes,
// PNG folders.
#include "core/datasets/image_datasets.hpp"

#include "core/datasets/idx_file.hpp"
#include "core/datasets/image_resize.hpp"
#include "core/datasets/png_folder.hpp"
#include "core/datasets/shapes_dataset.hpp"
#include "core/errors.hpp"
#include "core/memory_budget.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>

namespace dfs {

namespace {

namespace fs = std::filesystem;

/// Folders searched for a named IDX dataset: $DIFFUSCOPE_DATASETS/<name>, then Debian's
/// /usr/share/datasets/<name> (package dataset-fashion-mnist).
std::vector<fs::path> searchFolders(const std::string& name) {
    std::vector<fs::path> dirs;
    if (const char* env = std::getenv("DIFFUSCOPE_DATASETS")) dirs.push_back(fs::path(env) / name);
    dirs.push_back(fs::path("/usr/share/datasets") / name);
    return dirs;
}

/// `stem` or `stem.gz` in the first search folder that has it.
std::string findFile(const std::string& name, const std::string& stem) {
    std::string looked;
    for (const fs::path& d : searchFolders(name)) {
        for (const std::string& f : {stem + ".gz", stem}) {
            std::error_code ec;
            if (fs::is_regular_file(d / f, ec)) return (d / f).string();
        }
        looked += (looked.empty() ? "" : ", ") + d.string();
    }
    throw DataError(fmt::format("{}: {} not found (looked in {}; {})", name, stem, looked,
                                name == "fashion-mnist"
                                    ? "install the Debian package dataset-fashion-mnist"
                                    : "put the IDX files in $DIFFUSCOPE_DATASETS/" + name));
}

PointSet loadIdxPair(const std::string& name, Index n) {
    const std::string imagesPath = findFile(name, "train-images-idx3-ubyte");
    const std::string labelsPath = findFile(name, "train-labels-idx1-ubyte");
    // Only the images asked for are read and decompressed.
    const std::size_t wanted = n > 0 ? std::size_t(n) : 0;
    const IdxArray images = readIdx(imagesPath, wanted);
    const IdxArray labels = readIdx(labelsPath, wanted);
    if (images.dims.size() != 3 || images.dims[1] != images.dims[2])
        throw DataError(fmt::format("{}: expected images of N x side x side, got {} dimensions",
                                    imagesPath, images.dims.size()));
    if (labels.dims.size() != 1 || labels.dims[0] != images.dims[0])
        throw DataError(fmt::format("{}: {} labels for {} images in {}", labelsPath,
                                    labels.dims.empty() ? 0 : labels.dims[0], images.dims[0],
                                    imagesPath));
    const Index count = std::min<Index>(n, images.dims[0]);
    const Index pixels = Index(images.dims[1]) * images.dims[2];
    requireDataWithinMemoryBudget(
        8.0 * double(count) * double(pixels),
        fmt::format("{}: {} images of {}x{}", imagesPath, count, images.dims[1], images.dims[2]),
        "load fewer images (--n, --data-n or the scene's data.n)");
    PointSet set;
    set.name = name;
    set.points.resize(count, pixels);
    set.labels.resize(std::size_t(count));
    for (Index i = 0; i < count; ++i) {
        for (Index k = 0; k < pixels; ++k)
            set.points(i, k) = images.values[std::size_t(i * pixels + k)] / 127.5 - 1.0;
        const int label = labels.values[std::size_t(i)];
        if (label > 9)
            throw DataError(
                fmt::format("{}: label {} of image {} is not a class 0..9", labelsPath, label, i));
        set.labels[std::size_t(i)] = label;
    }
    return set;
}

} // namespace

const std::vector<ImageDatasetInfo>& imageDatasets() {
    static const std::vector<ImageDatasetInfo> table = {
        {"shapes", "built-in 28x28 shapes: disc, square, triangle, ring, cross, bar (6 classes)"},
        {"fashion-mnist", "Fashion-MNIST training images, 10 classes (Xiao et al. 2017; Debian "
                          "package dataset-fashion-mnist)"},
        {"mnist", "MNIST training digits, 10 classes (LeCun et al. 1998; IDX files in "
                  "$DIFFUSCOPE_DATASETS/mnist)"},
    };
    return table;
}

bool isImageDataset(const std::string& nameOrPath) {
    for (const auto& d : imageDatasets())
        if (d.name == nameOrPath) return true;
    std::error_code ec;
    return fs::is_directory(nameOrPath, ec);
}

int imageSide(Index pixels) {
    const int side = int(std::lround(std::sqrt(double(pixels))));
    return Index(side) * side == pixels ? side : 0;
}

PointSet loadImageDataset(const std::string& nameOrPath, int resolution, Index n,
                          std::uint64_t seed) {
    if (resolution == 0) resolution = 28;
    if (resolution != 8 && resolution != 16 && resolution != 28)
        throw UsageError(fmt::format("--resolution must be 8, 16 or 28 (got {})", resolution));
    if (n < 1) throw UsageError(fmt::format("--n must be >= 1 (got {})", n));
    PointSet set;
    if (nameOrPath == "shapes")
        set = makeShapes(n, seed);
    else if (nameOrPath == "fashion-mnist" || nameOrPath == "mnist")
        set = loadIdxPair(nameOrPath, n);
    else
        set = loadPngFolder(nameOrPath, resolution);
    const int side = imageSide(set.points.cols());
    if (side != resolution) set.points = areaResize(set.points, side, resolution);
    if (set.size() > n) {
        set.points.conservativeResize(n, Eigen::NoChange);
        if (!set.labels.empty()) set.labels.resize(std::size_t(n));
    }
    return set;
}

} // namespace dfs
