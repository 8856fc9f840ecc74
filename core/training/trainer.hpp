// Incremental, resumable training of a learned denoiser on a point set: `train(k)` runs k more
// steps, so the GUI can train while it samples; the same seed gives the same weights for any
// thread count (the batch is split into fixed micro-batches summed in a fixed order).
#pragma once

#include "core/backend/thread_pool.hpp"
#include "core/backend/train_device.hpp"
#include "core/datasets/point_set.hpp"
#include "core/model/model.hpp"
#include "core/nn/adam.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dfs {

class Backend;

enum class TimeSampling {
    Uniform,     ///< t uniform on trainingTimeRange (model.hpp)
    LogitNormal, ///< t = sigmoid(n), n ~ N(0, 1) (Esser et al. 2024, eq. 19)
    LogNormal,   ///< ln sigma~ ~ N(-1.2, 1.2^2) (Karras et al. 2022, Table 1, P_mean/P_std)
};
enum class LossWeighting {
    Target, ///< plain MSE of the network's target
    Snr,    ///< x0-MSE times SNR (= eps-MSE)
    MinSnr, ///< x0-MSE times min(SNR, gamma) (Hang et al. 2023, eq. 7)
    Edm,    ///< x0-MSE times (sigma~^2 + sd^2) / (sigma~ sd)^2 (Karras et al. 2022, eq. 8)
};
TimeSampling parseTimeSampling(const std::string& name); ///< uniform, logit-normal, log-normal
std::string timeSamplingName(TimeSampling t);
LossWeighting parseLossWeighting(const std::string& name); ///< target, snr, min-snr, edm
std::string lossWeightingName(LossWeighting w);

struct TrainConfig {
    ModelSpec model; ///< dim, mean, scale and classes are set from the data
    int batch = 256;
    AdamConfig adam;
    double gradClip = 1.0;   ///< global-norm clipping; 0 disables
    double emaDecay = 0.999; ///< EMA of the weights (used for sampling)
    TimeSampling timeSampling = TimeSampling::Uniform;
    LossWeighting weighting = LossWeighting::Target;
    double minSnrGamma = 5.0;
    bool conditional = false;  ///< class-conditional on the data's labels
    double labelDropout = 0.1; ///< probability of training a conditional sample as "no label"
    std::uint64_t seed = 0;
    int threads = 0;
    void validate() const; ///< UsageError naming the setting
};

struct TrainRecord {
    long step;
    double loss, lr, gradNorm;
};

struct TrainProgress {
    long steps = 0;        ///< steps completed in this call
    bool diverged = false; ///< a non-finite or exploded (1e8-fold) loss stopped training
    std::string message;
};

/// About how many bytes training `s` with batches of `batch` takes (weights, EMA, Adam, gradients
/// per micro-batch, activations). Training refuses to start beyond the memory budget.
double trainingMemoryBytes(const ModelSpec& s, int batch);

class Trainer {
public:
    /// Normalises the data (mean 0, average per-coordinate variance 1). Throws DataError for
    /// non-finite points, UsageError for bad settings or too few points.
    Trainer(const PointSet& data, TrainConfig config);
    ~Trainer();

    /// Runs up to k more steps. On divergence the weights stay those of the last good step.
    TrainProgress train(long k);
    /// Trains an MLP on the backend's device from now on (the data, the samples formed from
    /// their draws, forward, backward and AdamW there; the draws and the books here), if it has
    /// one for this network, batch and data; returns whether it does. A trainer on a device
    /// stays on it. The same seed gives the same batches, so the weights follow the CPU's to
    /// float rounding. The backend must outlive the trainer.
    bool useDevice(Backend& backend);
    bool onDevice() const { return m_device != nullptr; }
    long step() const { return m_step; }
    bool diverged() const { return m_diverged; }
    /// The settings as given; spec() is the model as built (dimension, classes, normalisation).
    const TrainConfig& config() const { return m_config; }
    const ModelSpec& spec() const { return m_model.spec; }
    int threads() const { return m_pool.threads(); }
    const std::vector<TrainRecord>& log() const { return m_log; }
    /// Running mean of the x0-space squared error per t-bucket [i/10, (i+1)/10).
    std::vector<double> bucketError() const;
    /// A copy of the model with the EMA weights (ema = false: the raw weights).
    std::shared_ptr<Model> snapshot(bool ema = true) const;

private:
    struct Batch;
    /// The batch's loss; grads = its gradient, normSq = |grads|^2.
    double runMicroBatches(FloatBuffer& grads, double& normSq);
    /// Samples per micro-batch: fixed per architecture, so results ignore the thread count.
    int microSize() const;
    /// Micro-batches in a step's batch (m_batches then holds at least as many for `steps`).
    int microBatches(int steps = 1);
    /// Draws micro-batch mb of step `step`'s batch into m_batches[slot]: the samples, or
    /// where `draws` is given (the step's batch of draws) only their draws, for a device.
    void drawMicroBatch(std::size_t slot, int mb, long step, SampleDraw* draws = nullptr);
    /// Samples first .. first + count - 1 of step `step`'s batch: each one's data row, noise
    /// level and label (into this thread's scratch), and b's weights, factors and buckets.
    void drawLevels(Batch& b, Index first, Index count, long step) const;
    /// drawLevels, then the samples themselves: b's network inputs and targets.
    void makeBatch(Batch& b, Index first, Index count, long step) const;
    /// drawLevels, then the samples' draws for a device (draws[0 .. count)).
    void makeDraws(Batch& b, Index first, Index count, long step, SampleDraw* draws) const;
    /// The micro-batch's weighted loss, its gradient with respect to b.out and each sample's
    /// x0 error, from the network's outputs in b.out (or their errors, outIsError).
    void lossOf(Batch& b, int n, bool outIsError) const;
    /// The batch's loss (micro-batches first .. first + micro - 1 of m_batches) and the running
    /// per-bucket errors, from lossOf's results.
    double collect(int first, int micro);
    /// The EMA's decay at a step.
    double emaDecayAt(long step) const;
    /// Whether this step's loss or gradient norm says training diverged (then p says so).
    bool diverges(double loss, double norm, TrainProgress& p);
    /// train() on m_device: many steps a submission, the books kept here afterwards; the next
    /// submission's batches are drawn while the device runs the current one.
    TrainProgress trainOnDevice(long k);
    /// The draws of whole batches for one submission (two: one drawn while one runs).
    struct DeviceChunk {
        std::size_t slot = 0; ///< its first micro-batch in m_batches
        int steps = 0;
        std::vector<SampleDraw> draws; ///< steps x batch
    };
    /// Draws the batches of steps m_step + offset .. + c.steps - 1: their draws into c.draws,
    /// the books (weights, factors, buckets) into c's micro-batches.
    void drawChunk(DeviceChunk& c, long offset, int micro);

    TrainConfig m_config;
    Matrix m_data; ///< normalised
    std::vector<int> m_labels;
    std::unique_ptr<Schedule> m_schedule;
    Model m_model;
    FloatBuffer m_ema;
    AdamW m_adam;
    ThreadPool m_pool;
    long m_step = 0;
    bool m_diverged = false;
    double m_firstLoss = 0;
    std::vector<TrainRecord> m_log;
    std::vector<double> m_bucketSum, m_bucketCount;
    std::vector<std::unique_ptr<Batch>> m_batches;
    std::vector<const float*> m_gradParts; ///< the micro-batches' gradients, summed per step
    std::unique_ptr<TrainDevice> m_device;
    DeviceChunk m_chunks[2]; ///< for m_device
    FloatBuffer m_out;       ///< the device's errors of one submission
};

} // namespace dfs
