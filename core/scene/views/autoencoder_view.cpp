// The autoencoder view (Dieleman 2022, "diffusion models are autoencoders"; diffusion-math.md
// Section 1.1): at the time cursor, data points x0 are "encoded" by the forward process into
// x_t = alpha x0 + sigma eps and "decoded" by the denoiser into D(x_t), with the denoising
// error MSE(t) = E||D(x_t) - x0||^2 / d. At high noise D(x_t) collapses to the data mean; at low
// noise it is the identity on x_t / alpha.
#include "core/backend/backend.hpp"
#include "core/datasets/point_set.hpp"
#include "core/denoisers/denoiser.hpp"
#include "core/errors.hpp"
#include "core/io/table_io.hpp"
#include "core/rng/noise.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_registry.hpp"
#include "core/scene/views/autoencoder_data.hpp"
#include "core/schedules/schedule.hpp"

#include <algorithm>
#include <cmath>

namespace dfs::views {

namespace {

constexpr double kMinT = 1e-3;     ///< D at sigma = 0 is the identity; the field view's floor
constexpr Index kShown = 300;      ///< points drawn with their segments
constexpr Index kSamples = 2000;   ///< points behind the MSE
constexpr Index kDataPoints = 1500; ///< faint data points
/// Philox step of the noise eps (substream 2; the film strip's step on another substream).
constexpr std::uint32_t kNoiseStep = 0xFFFFFFF1u;

void pushRow(std::vector<float>& v, const Matrix& m, Index r) {
    v.push_back(float(m(r, 0)));
    v.push_back(float(m(r, 1)));
}

AutoencoderView build(const SceneEngine& e, double t) {
    const PointSet& d = e.data();
    if (d.dim() != 2) throw UsageError("the autoencoder view shows 2-D points");
    const NoiseLevel l = e.schedule().at(std::max(t, kMinT));
    AutoencoderView v;
    v.time = e.timeInfo(t);
    v.model = e.denoiser().name();
    v.box.extent = e.scene().view.extent * std::max(1.0, std::hypot(l.alpha, l.sigma));
    // Evenly spaced data points (the first kShown of them drawn), one noise draw each.
    const Index n = std::min(kSamples, d.size());
    const Index stride = std::max<Index>(1, d.size() / n);
    Matrix x0(n, 2);
    for (Index i = 0; i < n; ++i) x0.row(i) = d.points.row(i * stride);
    const Matrix xt = l.alpha * x0 + l.sigma * gaussianNoise(e.scene().data.seed, 0, n, 2, kNoiseStep, 2);
    Matrix out;
    e.backend().denoise(e.denoiser(), xt, l, out);
    const Vector err = (out - x0).rowwise().squaredNorm() / 2.0;
    v.samples = long(n);
    v.mse = err.mean();
    v.mseSe = n > 1 ? std::sqrt((err.array() - v.mse).square().sum() / double(n - 1) / double(n)) : 0.0;
    const Index shownStride = std::max<Index>(1, n / kShown);
    for (Index i = 0; i < n; i += shownStride) {
        pushRow(v.x0, x0, i);
        pushRow(v.xt, xt, i);
        pushRow(v.denoised, out, i);
    }
    const Index dataStride = std::max<Index>(1, (d.size() + kDataPoints - 1) / kDataPoints);
    for (Index i = 0; i < d.size(); i += dataStride) pushRow(v.data, d.points, i);
    return v;
}

Table table(const SceneEngine& e, double t) {
    const AutoencoderView v = build(e, t);
    const Index n = Index(v.x0.size() / 2);
    Table table{{"x0_x", "x0_y", "xt_x", "xt_y", "d_x", "d_y"}, Matrix(n, 6)};
    for (Index i = 0; i < n; ++i)
        table.rows.row(i) << v.x0[2 * i], v.x0[2 * i + 1], v.xt[2 * i], v.xt[2 * i + 1],
            v.denoised[2 * i], v.denoised[2 * i + 1];
    return table;
}

} // namespace

ViewInfo autoencoder() {
    return {"autoencoder",
            "data x0 encoded to x_t = alpha x0 + sigma eps and decoded to D(x_t) at the time "
            "cursor, with the denoising error",
            ViewData::Points,
            ViewClock::SweepsT,
            [](const SceneEngine& e, ViewAt at) {
                return ViewSnapshot("autoencoder", build(e, at.t));
            },
            [](const SceneEngine& e, ViewAt at) { return table(e, at.t); },
            "x0_x,x0_y,xt_x,xt_y,d_x,d_y"};
}

} // namespace dfs::views
