// Options shared by the commands that need a model: the dataset (built-in name or CSV), its
// size, noise and seed, the denoiser and the schedule; and the time given as --t or --sigma.
#pragma once

#include "core/datasets/point_set.hpp"
#include "core/denoisers/denoiser.hpp"
#include "core/schedules/schedule.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace dfs::cli {

struct ModelOptions {
    std::string dataset;
    long dataN = 2000;
    std::optional<double> dataNoise; ///< unset: the dataset's own noise
    std::uint64_t dataSeed = 0;
    int resolution = 0; ///< image datasets: side 8, 16 or 28
    std::string denoiser;
    /// --denoiser-below / --sigma-split: untied networks (core/denoisers/split_denoiser.hpp),
    /// `denoiserBelow` under sigma~ = sigmaSplit; empty: tied.
    std::string denoiserBelow;
    double sigmaSplit = 1.0;
    std::string schedule = "vp-linear";
    int label = -1;        ///< --class: condition on this class
    double guidance = 1.0; ///< --guidance: classifier-free guidance scale
};

/// Adds a seed option that accepts whole numbers 0 .. 2^64 - 1 only.
void addSeedOption(CLI::App& cmd, const std::string& flag, std::uint64_t& seed,
                   const std::string& help);

/// Adds --dataset, --data-n, --noise, --data-seed, --resolution, --denoiser, --denoiser-below,
/// --sigma-split, --schedule, --class, --guidance;
/// --dataset and --denoiser are required unless `required` is false.
void addModelOptions(CLI::App& cmd, ModelOptions& opts, bool required = true);

struct LoadedModel {
    PointSet data;
    std::unique_ptr<Schedule> schedule;
    std::unique_ptr<Denoiser> denoiser;
};

/// Loads the data, builds the schedule and the denoiser; throws UsageError or DataError.
LoadedModel buildModel(const ModelOptions& opts);

/// The internal time for --t T or --sigma S (exactly one given). S is sigma~ = sigma / alpha,
/// the noise level of x / alpha = x0 + S eps (with --schedule ve: x = x0 + S eps). Throws
/// UsageError naming the flag when the value is outside the schedule's range.
double resolveTime(const Schedule& schedule, std::optional<double> t, std::optional<double> sigma);

/// Throws UsageError "flag must be finite" for NaN or infinite values given on the command line.
void requireFinite(const char* flag, double value);

/// The dataset noise for a --noise flag: unset gives the dataset's default (-1); a negative or
/// non-finite value is a UsageError.
double datasetNoise(std::optional<double> flag);

/// CSV column names for points of a dimension: x,y in 2D, else p0..p{D-1}.
std::vector<std::string> pointColumns(int dim);

/// Reads points from a CSV file with columns x,y (or p0..p{D-1}); extra columns are refused.
Matrix readPoints(const std::string& path);

} // namespace dfs::cli
