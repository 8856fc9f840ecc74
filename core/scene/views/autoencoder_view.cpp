// The autoencoder view (Dieleman 2022, "diffusion models are autoencoders"; diffusion-math.md
// Section 1.1): at the time cursor, data points x0 are "encoded" by the forward process into
// x_t = alpha x0 + sigma eps and "decoded" by the denoiser into D(x_t), with the denoising
// error MSE(t) = E||D(x_t) - x0||^2 / d. At high noise D(x_t) collapses to the data mean; at low
// noise it is the identity on x_t / alpha. For images: rows x0 | x_t | D(x_t) | eps_hat | |D - x0|
// at the cursor and four other levels (Section 1.1, "Images").
#include "core/backend/backend.hpp"
#include "core/datasets/point_set.hpp"
#include "core/denoisers/denoiser.hpp"
#include "core/errors.hpp"
#include "core/io/table_io.hpp"
#include "core/parameterisation.hpp"
#include "core/rng/noise.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_registry.hpp"
#include "core/scene/views/autoencoder_data.hpp"
#include "core/schedules/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace dfs::views {

namespace {

constexpr double kMinT = 1e-3;      ///< D at sigma = 0 is the identity; the field view's floor
constexpr Index kShown = 300;       ///< points drawn with their segments
constexpr Index kSamples = 2000;    ///< points behind the MSE
constexpr Index kDataPoints = 1500; ///< faint data points
/// Philox step of the noise eps (substream 2; the film strip's step on another substream).
constexpr std::uint32_t kNoiseStep = 0xFFFFFFF1u;

void pushRow(std::vector<float>& v, const Matrix& m, Index r) {
    v.push_back(float(m(r, 0)));
    v.push_back(float(m(r, 1)));
}

ImageGridView::Tile tile(const Vector& pixels, double scale, double shift,
                         std::string caption = {}) {
    ImageGridView::Tile out;
    for (Index i = 0; i < pixels.size(); ++i)
        out.pixels.push_back(float(std::clamp(pixels[i] * scale + shift, -1.0, 1.0)));
    out.caption = std::move(caption);
    return out;
}

/// One data image through the autoencoder at the cursor and at t = 0.1, 0.3, 0.5, 0.7, 0.9 (the
/// one nearest the cursor replaced by it), one row per level.
AutoencoderView buildImages(const SceneEngine& e, double t) {
    const PointSet& d = e.data();
    AutoencoderView v;
    v.images = true;
    v.time = e.timeInfo(t);
    v.model = e.denoiser().name();
    ImageGridView& g = v.grid;
    g.time = v.time;
    g.title = "Autoencoder";
    g.detail = fmt::format("one image encoded to x_t and decoded by {}", v.model);
    g.side = int(std::lround(std::sqrt(double(d.dim()))));
    g.columns = 5;
    // (no underscores: the grid's label band clips their descent)
    g.columnLabels = {"x0", "xt", "D(xt)", "eps-hat / 3", "|D - x0|"};
    std::vector<double> times{0.1, 0.3, 0.5, 0.7, 0.9};
    *std::min_element(times.begin(), times.end(),
                      [&](double a, double b) { return std::abs(a - t) < std::abs(b - t); }) = t;
    const Vector x0 = d.points.row(0).transpose();
    const Matrix eps = gaussianNoise(e.scene().data.seed, 0, 1, d.dim(), kNoiseStep, 2);
    for (double tr : times) {
        const NoiseLevel l = e.schedule().at(std::max(tr, kMinT));
        const Matrix xt = (l.alpha * x0 + l.sigma * eps.row(0).transpose()).transpose();
        Matrix out;
        e.backend().denoise(e.denoiser(), xt, l, out);
        const Vector dx = out.row(0).transpose();
        const Vector epsHat = fromX0(Prediction::Eps, xt, out, l).row(0).transpose();
        const double mse = (dx - x0).squaredNorm() / double(d.dim());
        g.rowLabels.push_back(fmt::format("t {:.2g}{}", tr, tr == t ? " *" : ""));
        g.tiles.push_back(tile(x0, 1, 0));
        g.tiles.push_back(tile(xt.row(0).transpose(), 1, 0));
        g.tiles.push_back(tile(dx, 1, 0));
        g.tiles.push_back(tile(epsHat, 1.0 / 3, 0));
        g.tiles.push_back(tile((dx - x0).cwiseAbs(), 1, -1, fmt::format("MSE {:.2g}", mse)));
        if (tr == t) v.mse = mse;
        v.levelT.push_back(tr);
        v.levelSigma.push_back(l.sigma);
        v.levelMse.push_back(mse);
    }
    v.samples = 1;
    return v;
}

AutoencoderView build(const SceneEngine& e, double t) {
    if (e.isImage()) return buildImages(e, t);
    const PointSet& d = e.data();
    if (d.dim() != 2) throw UsageError("the autoencoder view shows 2-D points or square images");
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
    const Matrix xt =
        l.alpha * x0 + l.sigma * gaussianNoise(e.scene().data.seed, 0, n, 2, kNoiseStep, 2);
    Matrix out;
    e.backend().denoise(e.denoiser(), xt, l, out);
    const Vector err = (out - x0).rowwise().squaredNorm() / 2.0;
    v.samples = long(n);
    v.mse = err.mean();
    v.mseSe =
        n > 1 ? std::sqrt((err.array() - v.mse).square().sum() / double(n - 1) / double(n)) : 0.0;
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
    if (v.images) {
        Table table{{"t", "sigma", "mse"}, Matrix(Index(v.levelT.size()), 3)};
        for (std::size_t i = 0; i < v.levelT.size(); ++i)
            table.rows.row(Index(i)) << v.levelT[i], v.levelSigma[i], v.levelMse[i];
        return table;
    }
    const Index n = Index(v.x0.size() / 2);
    Table table{{"x0_x", "x0_y", "xt_x", "xt_y", "d_x", "d_y"}, Matrix(n, 6)};
    for (Index i = 0; i < n; ++i)
        table.rows.row(i) << v.x0[2 * i], v.x0[2 * i + 1], v.xt[2 * i], v.xt[2 * i + 1],
            v.denoised[2 * i], v.denoised[2 * i + 1];
    return table;
}

} // namespace

ViewInfo autoencoder() {
    return {
        "autoencoder",
        "data x0 encoded to x_t = alpha x0 + sigma eps and decoded to D(x_t) at the time "
        "cursor, with the denoising error",
        ViewData::Both,
        ViewClock::SweepsT,
        [](const SceneEngine& e, ViewAt at) { return ViewSnapshot("autoencoder", build(e, at.t)); },
        [](const SceneEngine& e, ViewAt at) { return table(e, at.t); },
        "x0_x,x0_y,xt_x,xt_y,d_x,d_y (images: t,sigma,mse of each row)"};
}

} // namespace dfs::views
