// Model specification checks and the network's input features.
#include "core/model/model.hpp"

#include "core/datasets/image_datasets.hpp"
#include "core/errors.hpp"
#include "core/sincos.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

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
    const int half = dim / 2;
    const double ratio = std::exp(-std::log(10000.0) / half); // f_{k+1} = f_k * ratio
    double a = 250.0 * cNoise;
    constexpr int kChunk = 64;
    double angle[kChunk], s[kChunk], c[kChunk];
    for (int k0 = 0; k0 < half; k0 += kChunk) {
        const int m = std::min(kChunk, half - k0);
        for (int k = 0; k < m; ++k, a *= ratio) angle[k] = a;
        sinCos(angle, s, c, m); // all at once: vectorised
        for (int k = 0; k < m; ++k) {
            out[k0 + k] = float(s[k]);
            out[half + k0 + k] = float(c[k]);
        }
    }
}

void networkInput(const ModelSpec& spec, const double* x, const NoiseLevel& level, int label,
                  float* column) {
    const double cin = inputScale(level, spec.sigmaData);
    for (int d = 0; d < spec.dim; ++d) column[d] = float(cin * x[d]);
    timeEmbedding(noiseConditioning(level), spec.embedDim, column + spec.dim);
    if (spec.classes > 0) {
        float* onehot = column + spec.dim + spec.embedDim;
        for (int c = 0; c <= spec.classes; ++c) onehot[c] = 0.0f;
        onehot[label >= 0 && label < spec.classes ? label : spec.classes] = 1.0f;
    }
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
