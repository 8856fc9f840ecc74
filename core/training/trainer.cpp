// The training loop: batches drawn with Philox, fixed micro-batches in parallel, AdamW, EMA.
// On a device the loop is trainOnDevice (trainer_device.cpp).
#include "core/training/trainer.hpp"

#include "core/backend/backend.hpp"
#include "core/errors.hpp"
#include "core/memory_budget.hpp"
#include "core/model/model_size.hpp"
#include "core/name_table.hpp"
#include "core/nn/vector_ops.hpp"
#include "core/rng/noise.hpp"
#include "core/training/trainer_batch.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <tuple>

namespace dfs {

namespace {
/// Samples per micro-batch: fixed per architecture, so results ignore the thread count. The
/// U-Net's are small so that its batches of 64 still spread over the threads.
constexpr int kMicroMlp = 128, kMicroUNet = 16;
constexpr int kBuckets = 10;
constexpr double kDivergence = 1e8;
} // namespace

namespace {
constexpr NameTable<TimeSampling, 3> kTimeSamplings = {{{TimeSampling::Uniform, "uniform"},
                                                        {TimeSampling::LogitNormal, "logit-normal"},
                                                        {TimeSampling::LogNormal, "log-normal"}}};
constexpr NameTable<LossWeighting, 4> kWeightings = {{{LossWeighting::Target, "target"},
                                                      {LossWeighting::Snr, "snr"},
                                                      {LossWeighting::MinSnr, "min-snr"},
                                                      {LossWeighting::Edm, "edm"}}};
} // namespace

TimeSampling parseTimeSampling(const std::string& n) {
    return parseName(kTimeSamplings, n, "--time-sampling");
}
std::string timeSamplingName(TimeSampling t) {
    return nameOf(kTimeSamplings, t);
}
LossWeighting parseLossWeighting(const std::string& n) {
    return parseName(kWeightings, n, "--weighting");
}
std::string lossWeightingName(LossWeighting w) {
    return nameOf(kWeightings, w);
}

void TrainConfig::validate() const {
    if (threads < 0 || threads > kMaxThreads)
        throw UsageError(
            fmt::format("--threads must be in [0, {}] (got {})", kMaxThreads, threads));
    if (batch < 1 || batch > 65536)
        throw UsageError(fmt::format("--batch must be in [1, 65536] (got {})", batch));
    adam.validate();
    if (!(gradClip >= 0) || !std::isfinite(gradClip))
        throw UsageError(fmt::format("--clip must be >= 0 (got {})", gradClip));
    if (!(emaDecay >= 0 && emaDecay < 1))
        throw UsageError(fmt::format("--ema must be in [0, 1) (got {})", emaDecay));
    if (!(minSnrGamma > 0) || !std::isfinite(minSnrGamma))
        throw UsageError(fmt::format("min-SNR gamma must be > 0 (got {})", minSnrGamma));
    if (!(labelDropout >= 0 && labelDropout <= 1))
        throw UsageError(fmt::format("--label-dropout must be in [0, 1] (got {})", labelDropout));
}

namespace {

TrainConfig validated(TrainConfig c) {
    c.validate();
    return c;
}

/// The model's specification from the settings and the data: dimension, classes and the
/// normalisation x_n = (x - mean) / scale, one scale for all coordinates (keeps the aspect).
/// Throws DataError naming the data for non-finite points, labels out of range or no spread.
ModelSpec specFor(const PointSet& data, const TrainConfig& c) {
    if (data.size() < 2) throw UsageError("training needs at least 2 data points");
    if (c.conditional && data.labels.empty())
        throw UsageError("--conditional needs labelled data (a label column or a GMM dataset)");
    for (Index r = 0; r < data.size(); ++r)
        if (!data.points.row(r).allFinite())
            throw DataError(fmt::format("{}: point {} is NaN or infinite", data.name, r + 1));
    ModelSpec s = c.model;
    s.dim = data.dim();
    s.classes = 0;
    if (c.conditional) {
        const int top = *std::max_element(data.labels.begin(), data.labels.end());
        if (top >= kMaxClasses)
            throw DataError(fmt::format("{}: label {} is too large for a conditional model "
                                        "(labels must be below {})",
                                        data.name, top, kMaxClasses));
        s.classes = top + 1;
    }
    const Eigen::RowVectorXd mean = data.points.colwise().mean();
    const double var = (data.points.rowwise() - mean).array().square().mean();
    if (!(var > 0)) throw DataError(fmt::format("{}: all points are equal", data.name));
    s.mean.assign(mean.data(), mean.data() + mean.size());
    s.scale = std::sqrt(var);
    s.sigmaData = 1.0;
    s.validate();
    requireWithinMemoryBudget(trainingMemoryBytes(s, c.batch),
                              fmt::format("training an {}", architectureText(s)),
                              s.architecture == "unet" ? "lower --channels or --batch"
                                                       : "lower --width, --depth or --batch");
    return s;
}

} // namespace

double trainingMemoryBytes(const ModelSpec& s, int batch) {
    const bool unet = s.architecture == "unet";
    const int micro =
        (batch + (unet ? kMicroUNet : kMicroMlp) - 1) / (unet ? kMicroUNet : kMicroMlp);
    // Per weight: itself, its EMA, Adam's two moments, the step's gradient, and per micro-batch
    // a gradient (a U-Net's workspace also keeps a copy of its kernels: calibrated on a run
    // with --channels 1024, which peaked near 8 GB).
    const double perParam = 5.0 + (unet ? 2.0 : 1.0) * micro;
    // Per sample: the activations the backward pass keeps (MLP: two per unit; U-Net: about 40
    // maps of C x S^2 and the bottleneck's attention matrix).
    const double side = unet ? double(s.unetConfig().side) : 0.0;
    const double perSample = unet ? 40.0 * s.channels * side * side + 2.0 * std::pow(side / 2, 4)
                                  : 2.0 * (double(s.width) * s.depth + s.inputDim() + s.dim);
    return 4.0 * (paramsAbout(s) * perParam + double(batch) * perSample);
}

Trainer::Trainer(const PointSet& data, TrainConfig config)
    : m_config(validated(std::move(config))), m_schedule(makeSchedule(m_config.model.schedule)),
      m_model(specFor(data, m_config)), m_adam(0), m_pool(m_config.threads),
      m_bucketSum(kBuckets, 0.0), m_bucketCount(kBuckets, 0.0) {
    const ModelSpec& spec = m_model.spec;
    const Eigen::RowVectorXd mean =
        Eigen::Map<const Eigen::RowVectorXd>(spec.mean.data(), spec.dim);
    m_data = (data.points.rowwise() - mean) / spec.scale;
    m_labels = data.labels;
    m_model.net.initialise(m_config.seed);
    m_ema = m_model.net.params();
    m_adam = AdamW(m_ema.size());
}

Trainer::~Trainer() = default;

namespace {

/// makeBatch's working arrays, one set per thread (not per micro-batch: a device submission
/// keeps up to two chunks of micro-batches alive, and these would multiply with them).
struct BatchScratch {
    std::vector<double> uniforms, noise, timeNormals; ///< the Philox draws
    std::vector<double> x0, xt;     ///< the data points and the noisy points, row by row
    std::vector<NoiseLevel> levels; ///< each sample's noise level
    std::vector<int> labels;        ///< and its label (-1: none)
    std::vector<Index> rows;        ///< its row of the data
};

BatchScratch& scratch() {
    thread_local BatchScratch w;
    return w;
}

} // namespace

void Trainer::drawLevels(Batch& b, Index first, Index count, long atStep) const {
    BatchScratch& w = scratch();
    const ModelSpec& spec = m_model.spec;
    const std::uint64_t seed = m_config.seed;
    const auto step = std::uint32_t(atStep);
    const auto sample0 = std::uint32_t(first);
    // Every sample's draws at once, in vectorised batches (core/rng/noise.hpp).
    w.uniforms.resize(std::size_t(4 * count));
    philoxUniformRows(seed, sample0, count, step, kSubDraw, w.uniforms.data());
    if (m_config.timeSampling != TimeSampling::Uniform) {
        w.timeNormals.resize(std::size_t(4 * count));
        philoxNormalRows(seed, sample0, count, 1, step, kSubTime, w.timeNormals.data());
    }
    w.rows.resize(std::size_t(count));
    w.levels.resize(std::size_t(count));
    w.labels.resize(std::size_t(count));
    const auto [tMin, tMax] = trainingTimeRange(*m_schedule);
    for (Index j = 0; j < count; ++j) {
        const double* u = w.uniforms.data() + 4 * j;
        const Index row = w.rows[std::size_t(j)] =
            std::min(m_data.rows() - 1, Index(u[0] * double(m_data.rows())));
        double t = tMin + (tMax - tMin) * u[1];
        if (m_config.timeSampling != TimeSampling::Uniform) {
            const double n = w.timeNormals[std::size_t(4 * j)];
            if (m_config.timeSampling == TimeSampling::LogitNormal)
                t = 1.0 / (1.0 + std::exp(-n));
            else
                t = m_schedule->tFromLogSnr(-2.0 * (-1.2 + 1.2 * n));
            t = std::clamp(t, tMin, tMax);
        }
        const NoiseLevel l = w.levels[std::size_t(j)] = m_schedule->at(t);
        int& label = w.labels[std::size_t(j)] = -1;
        if (spec.classes > 0 && u[2] >= m_config.labelDropout) label = m_labels[std::size_t(row)];
        const double factor = predictionErrorFactor(spec.target, l, spec.sigmaData);
        const double snr = l.alpha * l.alpha / (l.sigma * l.sigma);
        const double st = l.sigma / l.alpha, sd = spec.sigmaData;
        double wx0 = 0; // the weight in x0-MSE units
        switch (m_config.weighting) {
        case LossWeighting::Target:
            wx0 = factor;
            break;
        case LossWeighting::Snr:
            wx0 = snr;
            break;
        case LossWeighting::MinSnr:
            wx0 = std::min(snr, m_config.minSnrGamma);
            break;
        case LossWeighting::Edm:
            wx0 = (st * st + sd * sd) / (st * st * sd * sd);
            break;
        }
        b.weight[std::size_t(j)] = float(std::isfinite(wx0 / factor) ? wx0 / factor : 0.0);
        b.factor[std::size_t(j)] = float(factor);
        b.bucket[std::size_t(j)] = std::min(kBuckets - 1, int(t * kBuckets));
    }
}

void Trainer::makeBatch(Batch& b, Index first, Index count, long atStep) const {
    drawLevels(b, first, count, atStep);
    BatchScratch& w = scratch();
    const ModelSpec& spec = m_model.spec;
    const int d = spec.dim, blocks = (d + 3) / 4;
    w.noise.resize(std::size_t(4 * blocks * count));
    philoxNormalRows(m_config.seed, std::uint32_t(first), count, blocks, std::uint32_t(atStep),
                     kSubNoise, w.noise.data());
    // The data points first, in a loop of independent loads: the rows are random and mostly
    // out of cache after the previous step's products, and this way their misses overlap.
    w.x0.resize(std::size_t(d * count));
    for (Index j = 0; j < count; ++j)
        for (int c = 0; c < d; ++c)
            w.x0[std::size_t(j * d + c)] = m_data(w.rows[std::size_t(j)], c);
    w.xt.resize(std::size_t(d * count));
    for (Index j = 0; j < count; ++j) {
        const double* eps = w.noise.data() + 4 * blocks * j;
        const double* x0 = w.x0.data() + d * j;
        const NoiseLevel& l = w.levels[std::size_t(j)];
        double* x = w.xt.data() + d * j;
        for (int c = 0; c < d; ++c) x[c] = l.alpha * x0[c] + l.sigma * eps[c];
        for (int c = 0; c < d; ++c)
            b.target[std::size_t(j * d + c)] =
                float(predictionOf(spec.target, x[c], x0[c], eps[c], l, spec.sigmaData));
    }
    networkInputs(spec, w.xt.data(), int(count), w.levels.data(), w.labels.data(), b.input.data());
}

void Trainer::makeDraws(Batch& b, Index first, Index count, long atStep, SampleDraw* draws) const {
    drawLevels(b, first, count, atStep);
    BatchScratch& w = scratch();
    const ModelSpec& spec = m_model.spec;
    const double sd = spec.sigmaData;
    for (Index j = 0; j < count; ++j) {
        const NoiseLevel& l = w.levels[std::size_t(j)];
        const double cin = inputScale(l, sd);
        const double angle = kEmbeddingScale * noiseConditioning(l);
        SampleDraw& s = draws[j];
        s.row = std::uint32_t(w.rows[std::size_t(j)]);
        s.label = w.labels[std::size_t(j)];
        s.inX0 = float(cin * l.alpha);
        s.inEps = float(cin * l.sigma);
        // The target is linear in (x0, eps) with x = alpha x0 + sigma eps: its coefficients
        // are its values at (x0, eps) = (1, 0) and (0, 1).
        s.targetX0 = float(predictionOf(spec.target, l.alpha, 1.0, 0.0, l, sd));
        s.targetEps = float(predictionOf(spec.target, l.sigma, 0.0, 1.0, l, sd));
        s.weight = b.weight[std::size_t(j)];
        splitHead12(angle, s.angleHi, s.angleLo);
    }
}

int Trainer::microSize() const {
    return m_model.spec.architecture == "unet" ? kMicroUNet : kMicroMlp;
}

int Trainer::microBatches(int steps) {
    const int micro = (m_config.batch + microSize() - 1) / microSize();
    while (int(m_batches.size()) < micro * steps) m_batches.push_back(std::make_unique<Batch>());
    return micro;
}

void Trainer::drawMicroBatch(std::size_t slot, int mb, long step, SampleDraw* draws) {
    const ModelSpec& spec = m_model.spec;
    const int d = spec.dim, in = spec.inputDim();
    Batch& b = *m_batches[slot];
    const int first = mb * microSize(), n = std::min(microSize(), m_config.batch - first);
    if (!draws) { // the CPU forms the samples; a device forms them from the draws
        b.input.resize(std::size_t(in * n));
        b.target.resize(std::size_t(d * n));
    }
    b.gradOut.resize(std::size_t(d * n));
    b.weight.resize(std::size_t(n));
    b.factor.resize(std::size_t(n));
    b.bucket.resize(std::size_t(n));
    b.out.resize(std::size_t(d * n));
    if (draws)
        makeDraws(b, first, n, step, draws + first);
    else
        makeBatch(b, first, n, step);
}

void Trainer::lossOf(Batch& b, int n, bool outIsError) const {
    const int d = m_model.spec.dim;
    const float* out = b.out.data();
    double loss = 0;
    const double norm = 1.0 / (double(m_config.batch) * d);
    b.x0Error.resize(std::size_t(n));
    for (int j = 0; j < n; ++j) {
        double e2 = 0;
        for (int c = 0; c < d; ++c) {
            const std::size_t i = std::size_t(j * d + c);
            const double e = outIsError ? double(out[i]) : double(out[i]) - b.target[i];
            e2 += e * e;
            b.gradOut[i] = float(2.0 * b.weight[std::size_t(j)] * e * norm);
        }
        loss += b.weight[std::size_t(j)] * e2 * norm;
        b.x0Error[std::size_t(j)] = e2 / d / b.factor[std::size_t(j)];
    }
    b.loss = loss;
}

double Trainer::collect(int first, int micro) {
    double loss = 0;
    for (int mb = first; mb < first + micro; ++mb) {
        const Batch& b = *m_batches[std::size_t(mb)];
        loss += b.loss;
        for (std::size_t j = 0; j < b.x0Error.size(); ++j) {
            const int bk = b.bucket[j];
            const double x0err = b.x0Error[j];
            if (std::isfinite(x0err)) {
                m_bucketSum[std::size_t(bk)] = 0.99 * m_bucketSum[std::size_t(bk)] + x0err;
                m_bucketCount[std::size_t(bk)] = 0.99 * m_bucketCount[std::size_t(bk)] + 1.0;
            }
        }
    }
    return loss;
}

double Trainer::runMicroBatches(FloatBuffer& grads, double& normSq) {
    const int micro = microBatches();
    m_pool.parallelFor(std::size_t(micro), 1, [&](std::size_t lo, std::size_t hi) {
        for (std::size_t mb = lo; mb < hi; ++mb) {
            drawMicroBatch(mb, int(mb), m_step);
            Batch& b = *m_batches[mb];
            const int n = int(b.weight.size());
            m_model.net.forwardTrain(b.input.data(), n, b.out.data(), b.ws);
            lossOf(b, n, false);
            m_model.net.backward(b.input.data(), b.gradOut.data(), n, b.ws, b.grads);
        }
    });
    m_gradParts.resize(std::size_t(micro));
    for (int mb = 0; mb < micro; ++mb)
        m_gradParts[std::size_t(mb)] = m_batches[std::size_t(mb)]->grads.data();
    normSq = sumParts(grads.data(), m_gradParts.data(), micro, grads.size());
    return collect(0, micro);
}

double Trainer::emaDecayAt(long step) const {
    // The usual warm-up of the EMA's decay: min(decay, (1 + n) / (10 + n)).
    return std::min(m_config.emaDecay, (1.0 + double(step)) / (10.0 + double(step)));
}

bool Trainer::diverges(double loss, double norm, TrainProgress& p) {
    if (m_step == 0) m_firstLoss = loss;
    // Diverged: a NaN or infinity, or a loss grown kDivergence-fold over the first step's.
    if (std::isfinite(loss) && std::isfinite(norm) &&
        loss <= kDivergence * std::max(m_firstLoss, 1e-12))
        return false;
    m_diverged = true;
    p.diverged = true;
    p.message = fmt::format("training diverged at step {} (loss {:.3g}, first step {:.3g}); "
                            "kept the weights of step {}; try a smaller --lr",
                            m_step + 1, loss, m_firstLoss, m_step);
    return true;
}

TrainProgress Trainer::train(long k) {
    TrainProgress p;
    if (m_diverged) {
        p.diverged = true;
        p.message = "training has diverged; start again with a smaller --lr";
        return p;
    }
    if (m_device) return trainOnDevice(k);
    FloatBuffer grads(m_model.net.params().size());
    for (long i = 0; i < k; ++i) {
        double normSq = 0;
        const double loss = runMicroBatches(grads, normSq), norm = std::sqrt(normSq);
        if (diverges(loss, norm, p)) return p;
        const double clip =
            m_config.gradClip > 0 && norm > m_config.gradClip ? m_config.gradClip / norm : 1.0;
        const double lr = learningRate(m_config.adam, m_step);
        m_adam.step(m_model.net.params(), grads, lr, m_config.adam, float(clip), m_ema,
                    float(emaDecayAt(m_step)));
        m_log.push_back({m_step, loss, lr, norm});
        ++m_step;
        ++p.steps;
    }
    return p;
}

std::vector<double> Trainer::bucketError() const {
    std::vector<double> e(kBuckets, NAN);
    for (int i = 0; i < kBuckets; ++i)
        if (m_bucketCount[std::size_t(i)] > 0)
            e[std::size_t(i)] = m_bucketSum[std::size_t(i)] / m_bucketCount[std::size_t(i)];
    return e;
}

std::shared_ptr<Model> Trainer::snapshot(bool ema) const {
    auto m = std::make_shared<Model>(m_model.spec);
    m->net.params() = ema ? m_ema : m_model.net.params();
    return m;
}

} // namespace dfs
