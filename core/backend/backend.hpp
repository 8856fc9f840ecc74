// The compute backend interface: the narrow set of batched operations the samplers and views
// need, chosen by name ("cpu", later "vulkan"). The CPU backend is the reference.
#pragma once

#include "core/schedules/schedule.hpp"
#include "core/types.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dfs {

class Denoiser;
class Mlp;
class TrainDevice;
struct SamplerRunConfig;

/// Frames of a whole run on a device: x after every `every`-th step and after the last, handed
/// to `sink` in step order with the step's index (1 ... steps; the start is the caller's).
struct RunFrames {
    int every = 1;
    std::function<void(int step, const Matrix& x)> sink;
};

/// nx x ny cells over [x0, x1) x [y0, y1): row 0 at the bottom, x varying fastest.
struct SplatGrid {
    int nx = 0, ny = 0;
    double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual std::string name() const = 0;
    /// The device it runs on, for the status bar and `diffuscope-cli list`.
    virtual std::string device() const = 0;

    /// out = D(x) for every row of x at the noise level.
    virtual void denoise(const Denoiser& model, const Matrix& x, const NoiseLevel& level,
                         Matrix& out) = 0;
    /// out = log p_t(x) for every row of x; the denoiser must have a closed-form density.
    virtual void logDensity(const Denoiser& model, const Matrix& x, const NoiseLevel& level,
                            Vector& out) = 0;
    /// cells[cell] += weight for every row of x (by its first two coordinates) in the cell it
    /// falls in; rows outside the grid or not finite add nothing. cells has nx * ny values. The
    /// density view's histogram. The reference (backend_defaults.cpp) counts on the CPU; a device
    /// counts in float coordinates, so a point within rounding of a cell edge may land in the
    /// neighbour. Throws UsageError for a grid without cells or a cells vector of another size.
    virtual void splat(const Matrix& x, const SplatGrid& grid, float weight,
                       std::vector<float>& cells);
    /// A device to train this MLP on at batches of up to `batch` (train_device.hpp), or null
    /// where the backend has none or the sizes are past its limits: the Trainer then computes
    /// on the CPU.
    virtual std::unique_ptr<TrainDevice> mlpTrainDevice(const Mlp& net, int batch);
    /// A whole sampler run from x over config.grid, with x kept on the device from the first
    /// step to the last: the programs of step_program.hpp replayed, the same arithmetic and the
    /// same Philox noise as a SamplerRun with `config`; `frames`, where given, receives x every
    /// few steps. Returns the run's NFE (the programs' denoiser calls), or 0, x untouched and
    /// no frame sent, where the backend has no such path for the model or the sampler: the
    /// caller then steps a SamplerRun (sampleToEnd in core/samplers/sample_to_end.hpp does both).
    /// Throws UsageError for a bad config.
    virtual long runSampler(const Denoiser& model, const Schedule& schedule,
                            const SamplerRunConfig& config, Matrix& x,
                            const RunFrames* frames = nullptr) {
        (void)model, (void)schedule, (void)config, (void)x, (void)frames;
        return 0;
    }
};

struct BackendInfo {
    std::string name;
    std::string device; ///< what it would run on, or why it is unavailable
    bool available = false;
};

/// A backend that lives outside the core (the Vulkan backend in core/vulkan): the program that
/// links it registers it at start-up, and makeBackend / listBackends then offer it.
struct BackendProvider {
    std::string name;
    std::function<std::vector<BackendInfo>()> list; ///< its devices, or why it is unavailable
    std::function<std::unique_ptr<Backend>(int threads)> make;
};
void registerBackendProvider(BackendProvider provider);

/// Throws UsageError unless splat() can fill `cells` for x on grid g (shared by the backends).
void checkSplat(const Matrix& x, const SplatGrid& g, const std::vector<float>& cells);

/// The backends this build knows, with their devices or the reason they cannot be used.
std::vector<BackendInfo> listBackends();

/// Most worker threads a backend accepts.
inline constexpr int kMaxThreads = 256;

/// Creates a backend by name; threads = 0 means one per core (CPU backend). Throws UsageError
/// for threads outside [0, kMaxThreads] or an unknown or unavailable backend, with the reason.
std::unique_ptr<Backend> makeBackend(const std::string& name, int threads = 0);

} // namespace dfs
