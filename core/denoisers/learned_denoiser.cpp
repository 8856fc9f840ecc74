// Learned denoiser: schedule and scale mapping around the network.
#include "core/denoisers/learned_denoiser.hpp"

#include "core/errors.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace dfs {

namespace {
constexpr Index kBlock = 256; ///< rows per network call
}

LearnedDenoiser::LearnedDenoiser(std::shared_ptr<const Model> model, int label)
    : m_model(std::move(model)), m_schedule(makeSchedule(m_model->spec.schedule)), m_label(label) {
    if (label >= m_model->spec.classes && label >= 0)
        throw UsageError(fmt::format("--class must be in [0, {}) for this model (got {})",
                                     m_model->spec.classes, label));
}

LearnedDenoiser::Plan LearnedDenoiser::plan(const NoiseLevel& level) const {
    const ModelSpec& spec = m_model->spec;
    // Normalised coordinates: x_n = (x - alpha mean) / scale has noise sigma / scale. The
    // training level t* has the same sigma~ inside the trained range (trainingTimeRange), where
    // x* = x_n alpha* / alpha = x_n sigma* / sigma_n. Below the range t* = tMin keeps x / alpha
    // (the data scale); above it (up to alpha = 0) t* = tMax keeps x / sigma (the noise scale).
    const double sigmaN = level.sigma / spec.scale;
    const auto [tMin, tMax] = trainingTimeRange(*m_schedule);
    const double tExact =
        level.alpha > 0 ? m_schedule->tFromLogSnr(2.0 * (std::log(level.alpha) - std::log(sigmaN)))
                        : tMax;
    const double tStar = std::clamp(tExact, tMin, tMax);
    Plan p;
    p.train = m_schedule->at(tStar);
    p.ratio = tExact <= tMin ? p.train.alpha / level.alpha : p.train.sigma / sigmaN;
    return p;
}

LearnedDenoiser::Affine LearnedDenoiser::affine(const NoiseLevel& level) const {
    const ModelSpec& spec = m_model->spec;
    const Plan p = plan(level);
    Affine f;
    f.ratio = p.ratio;
    f.cin = inputScale(p.train, spec.sigmaData);
    f.a = toX0(spec.target, 1.0, 0.0, p.train, spec.sigmaData);
    f.b = toX0(spec.target, 0.0, 1.0, p.train, spec.sigmaData);
    const std::vector<double> zero(std::size_t(spec.dim), 0.0);
    std::vector<float> column(std::size_t(spec.inputDim()));
    networkInput(spec, zero.data(), p.train, m_label, column.data());
    f.features.assign(column.begin() + spec.dim, column.end());
    return f;
}

namespace {

template <class T>
void affineInputs(const LearnedDenoiser::Affine& f, const ModelSpec& spec, const Matrix& x,
                  const NoiseLevel& level, double* xs, T* input) {
    const int dim = spec.dim, in = spec.inputDim();
    for (Index r = 0; r < x.rows(); ++r) {
        T* col = input + r * in;
        for (int c = 0; c < dim; ++c) {
            const double v =
                f.ratio * (x(r, c) - level.alpha * spec.mean[std::size_t(c)]) / spec.scale;
            xs[r * dim + c] = v;
            col[c] = T(f.cin * v);
        }
        std::copy(f.features.begin(), f.features.end(), col + dim);
    }
}

} // namespace

void LearnedDenoiser::Affine::inputs(const ModelSpec& spec, const Matrix& x,
                                     const NoiseLevel& level, double* xs, float* input) const {
    affineInputs(*this, spec, x, level, xs, input);
}

void LearnedDenoiser::Affine::inputs(const ModelSpec& spec, const Matrix& x,
                                     const NoiseLevel& level, double* xs, double* input) const {
    affineInputs(*this, spec, x, level, xs, input);
}

void LearnedDenoiser::inputs(const Matrix& x, const NoiseLevel& level, const Plan& plan,
                             Index begin, Index n, float* input, double* xs) const {
    const ModelSpec& spec = m_model->spec;
    const int d = spec.dim;
    for (Index r = 0; r < n; ++r)
        for (int c = 0; c < d; ++c)
            xs[r * d + c] = plan.ratio *
                            (x(begin + r, c) - level.alpha * spec.mean[std::size_t(c)]) /
                            spec.scale;
    networkInputs(spec, xs, int(n), plan.train, m_label, input);
}

void LearnedDenoiser::outputs(const Plan& plan, const double* xs, const float* net, Index begin,
                              Index n, Matrix& out) const {
    const ModelSpec& spec = m_model->spec;
    const int d = spec.dim;
    for (Index r = 0; r < n; ++r)
        for (int c = 0; c < d; ++c) {
            const double x0n = toX0(spec.target, xs[r * d + c], double(net[r * d + c]), plan.train,
                                    spec.sigmaData);
            out(begin + r, c) = spec.mean[std::size_t(c)] + spec.scale * x0n;
        }
}

void LearnedDenoiser::denoiseRows(const Matrix& x, const NoiseLevel& level, Matrix& out,
                                  Index begin, Index end) const {
    const ModelSpec& spec = m_model->spec;
    if (level.sigma <= 0) { // D(x, 0) = x0 exactly
        for (Index i = begin; i < end; ++i) out.row(i) = x.row(i) / level.alpha;
        return;
    }
    const Plan p = plan(level);
    // The U-Net's forward keeps a per-sample cache (and its convolutions run one image at a
    // time anyway): small blocks keep the per-thread workspace small.
    const Index block = spec.architecture == "unet" ? 4 : kBlock;
    // Per-thread scratch: denoiseRows runs once per 64-row chunk on the backend's threads.
    thread_local FloatBuffer input, output;
    thread_local NetworkWorkspace ws;
    thread_local std::vector<double> xs;
    input.resize(std::size_t(spec.inputDim() * block));
    output.resize(std::size_t(spec.dim * block));
    xs.resize(std::size_t(spec.dim) * block);
    for (Index b0 = begin; b0 < end; b0 += block) {
        const Index n = std::min(block, end - b0);
        inputs(x, level, p, b0, n, input.data(), xs.data());
        m_model->net.forward(input.data(), int(n), output.data(), ws);
        outputs(p, xs.data(), output.data(), b0, n, out);
    }
}

} // namespace dfs
