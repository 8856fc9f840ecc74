// Model specification checks and the network's input features.
#include "core/model/model.hpp"

#include "core/datasets/image_datasets.hpp"
#include "core/errors.hpp"
#include "core/sincos.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <vector>

namespace dfs {

UNetConfig ModelSpec::unetConfig() const {
    UNetConfig c;
    c.side = imageSide(dim); // 0 when dim is not a square
    c.channels = channels;
    c.groups = groups;
    c.attention = attention;
    c.embedDim = embedDim;
    c.labelDim = classes > 0 ? classes + 1 : 0;
    return c;
}

void ModelSpec::validate() const {
    if (architecture != "mlp" && architecture != "unet")
        throw UsageError(
            fmt::format("--architecture must be mlp or unet (got '{}')", architecture));

    if (dim < 1 || dim > 4096)
        throw UsageError(fmt::format("model dimension {} out of range", dim));
    if (embedDim < 2 || embedDim > 1024 || embedDim % 2 != 0)
        throw UsageError(fmt::format("--embed must be even and in [2, 1024] (got {})", embedDim));
    if (classes < 0 || classes > kMaxClasses)
        throw UsageError(fmt::format("classes must be in [0, {}] (got {})", kMaxClasses, classes));
    if (width < 1 || width > 4096)
        throw UsageError(fmt::format("--width must be in [1, 4096] (got {})", width));
    if (depth < 1 || depth >= MlpShape::kMaxLayers)
        throw UsageError(
            fmt::format("--depth must be in [1, {}] (got {})", MlpShape::kMaxLayers - 1, depth));
    if (!(sigmaData > 0) || !std::isfinite(sigmaData))
        throw UsageError(fmt::format("sigma_data must be > 0 (got {})", sigmaData));
    if (!(scale > 0) || !std::isfinite(scale))
        throw UsageError(fmt::format("normalisation scale must be > 0 (got {})", scale));
    if (int(mean.size()) != dim) throw UsageError("normalisation mean has the wrong size");
    if (architecture == "unet") {
        const UNetConfig c = unetConfig();
        if (c.side == 0)
            throw UsageError(fmt::format("--architecture unet needs square images (the data has {} "
                                         "dimensions)",
                                         dim));
        c.validate();
    }
    for (double m : mean)
        if (!std::isfinite(m)) throw UsageError("normalisation mean is not finite");
    (void)makeSchedule(schedule); // checks the name
}

std::pair<double, double> trainingTimeRange(const Schedule& schedule) {
    return {1e-3, std::min(1.0, schedule.tFromLogSnr(schedule.gridLogSnrMin()))};
}

void timeEmbedding(double cNoise, int dim, float* out) {
    timeEmbeddings(&cNoise, 1, dim, out, std::size_t(dim));
}

namespace {
double frequencyRatio(int half) { // f_{k+1} = f_k * ratio
    return std::exp(-std::log(10000.0) / half);
}
} // namespace

std::vector<double> embeddingFrequencies(int dim) {
    const int half = dim / 2;
    const double ratio = frequencyRatio(half);
    std::vector<double> f(std::size_t(std::max(half, 0)));
    double fk = 1.0;
    for (double& v : f) {
        v = fk;
        fk *= ratio;
    }
    return f;
}

void timeEmbeddings(const double* cNoise, int n, int dim, float* out, std::size_t stride) {
    const int half = dim / 2;
    const double ratio = frequencyRatio(half);
    constexpr int kChunk = 512;
    double angle[kChunk], s[kChunk], c[kChunk];
    float* dest[kChunk]; // where each angle's sine goes; its cosine goes half further
    int m = 0;
    const auto flush = [&] {
        sinCos(angle, s, c, m); // all at once: vectorised
        for (int i = 0; i < m; ++i) {
            dest[i][0] = float(s[i]);
            dest[i][half] = float(c[i]);
        }
        m = 0;
    };
    for (int r = 0; r < n; ++r) {
        double a = kEmbeddingScale * cNoise[r];
        float* row = out + std::size_t(r) * stride;
        for (int k = 0; k < half; ++k, a *= ratio) {
            angle[m] = a;
            dest[m++] = row + k;
            if (m == kChunk) flush();
        }
    }
    if (m > 0) flush();
}

namespace {

/// A column's parts other than the embedding: c_in x and the one-hot label.
void scaledInputAndLabel(const ModelSpec& spec, const double* x, const NoiseLevel& level, int label,
                         float* column) {
    const double cin = inputScale(level, spec.sigmaData);
    for (int d = 0; d < spec.dim; ++d) column[d] = float(cin * x[d]);
    if (spec.classes > 0) {
        float* onehot = column + spec.dim + spec.embedDim;
        for (int c = 0; c <= spec.classes; ++c) onehot[c] = 0.0f;
        onehot[label >= 0 && label < spec.classes ? label : spec.classes] = 1.0f;
    }
}

} // namespace

void networkInput(const ModelSpec& spec, const double* x, const NoiseLevel& level, int label,
                  float* column) {
    scaledInputAndLabel(spec, x, level, label, column);
    timeEmbedding(noiseConditioning(level), spec.embedDim, column + spec.dim);
}

void networkInputs(const ModelSpec& spec, const double* x, int n, const NoiseLevel* levels,
                   const int* labels, float* columns) {
    const int in = spec.inputDim();
    std::vector<double> cNoise(static_cast<std::size_t>(std::max(n, 0)));
    for (int r = 0; r < n; ++r) {
        scaledInputAndLabel(spec, x + std::size_t(r) * spec.dim, levels[r], labels[r],
                            columns + std::size_t(r) * in);
        cNoise[std::size_t(r)] = noiseConditioning(levels[r]);
    }
    timeEmbeddings(cNoise.data(), n, spec.embedDim, columns + spec.dim, std::size_t(in));
}

void networkInputs(const ModelSpec& spec, const double* x, int n, const NoiseLevel& level,
                   int label, float* columns) {
    if (n <= 0) return;
    const int in = spec.inputDim();
    networkInput(spec, x, level, label, columns); // the first column has the shared features
    const double cin = inputScale(level, spec.sigmaData);
    for (int r = 1; r < n; ++r) {
        float* col = columns + std::size_t(r) * in;
        for (int d = 0; d < spec.dim; ++d) col[d] = float(cin * x[std::size_t(r) * spec.dim + d]);
        std::copy(columns + spec.dim, columns + in, col + spec.dim);
    }
}

} // namespace dfs
