// The image views built by the engine: film strip of the noising chain, x_t beside x0_hat along
// the run, and the ideal denoiser's posterior over training images (the spectrum view is in
// views/spectrum_view.cpp).
#include "core/backend/backend.hpp"
#include "core/denoisers/ideal_denoiser.hpp"
#include "core/errors.hpp"
#include "core/rng/noise.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/scene/scene_engine.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <numeric>

namespace dfs {

namespace {

constexpr int kStripTimes = 9;    ///< film strip columns: t = 0, 1/8, ..., 1
constexpr int kStripImages = 4;   ///< film strip rows
constexpr int kGridFrames = 5;    ///< frames in the sample grid
constexpr int kGridParticles = 4; ///< particles in the sample grid
constexpr int kTopImages = 8;     ///< training images in the posterior view
constexpr std::uint32_t kStripNoiseStep = 0xFFFFFFF1u;

ImageGridView::Tile tile(const Eigen::Ref<const Eigen::RowVectorXd>& pixels,
                         std::string caption = {}) {
    ImageGridView::Tile t;
    t.pixels.assign(pixels.data(), pixels.data() + pixels.size());
    for (float& v : t.pixels) v = std::clamp(v, -1.0f, 1.0f);
    t.caption = std::move(caption);
    return t;
}

std::string shortT(double t) {
    return fmt::format("t {:.2g}", t);
}

/// Indices of the k rows with the smallest key (ties: the lower index), in order.
std::vector<Index> smallest(const Vector& key, std::size_t k) {
    std::vector<Index> order(std::size_t(key.size()));
    std::iota(order.begin(), order.end(), Index(0));
    k = std::min(k, order.size());
    std::partial_sort(
        order.begin(), order.begin() + std::ptrdiff_t(k), order.end(),
        [&](Index a, Index b) { return key[a] < key[b] || (key[a] == key[b] && a < b); });
    order.resize(k);
    return order;
}

} // namespace

ImageGridView SceneEngine::filmstripView(double t) const {
    requireViewFits("filmstrip");
    ImageGridView v;
    v.time = timeInfo(t);
    v.title = "Noising chain";
    v.detail = "x_t = alpha x0 + sigma eps, the same eps along each row";
    v.side = m_side;
    v.columns = kStripTimes;
    const Index rows = std::min<Index>(kStripImages, m_data->size());
    const Matrix eps = gaussianNoise(m_scene.data.seed, 0, rows, m_data->dim(), kStripNoiseStep, 0);
    // Columns at fixed times; the one nearest the cursor is replaced by the cursor's own time.
    std::vector<double> times(kStripTimes);
    for (int c = 0; c < kStripTimes; ++c) times[std::size_t(c)] = double(c) / (kStripTimes - 1);
    auto nearest = std::min_element(times.begin(), times.end(), [&](double a, double b) {
        return std::abs(a - t) < std::abs(b - t);
    });
    *nearest = t;
    for (double tc : times) v.columnLabels.push_back(shortT(tc) + (tc == t ? " *" : ""));
    for (Index r = 0; r < rows; ++r) {
        v.rowLabels.push_back(
            m_data->labels.empty() ? "" : fmt::format("class {}", m_data->labels[std::size_t(r)]));
        for (double tc : times) {
            const NoiseLevel l = m_schedule->at(tc);
            v.tiles.push_back(tile(l.alpha * m_data->points.row(r) + l.sigma * eps.row(r)));
        }
    }
    return v;
}

ImageGridView SceneEngine::samplesView(int frameIndex) const {
    requireViewFits("samples");
    const auto cur = frame(frameIndex);
    ImageGridView v;
    v.time = timeInfo(cur->t);
    v.title = fmt::format("Sampling: {}", m_scene.sampler.sampler);
    v.detail = fmt::format("pairs of x_t (at t) and x0_hat, frames up to {}/{}", frameIndex,
                           totalFrames() - 1);
    v.side = m_side;
    v.columns = 2 * kGridFrames;
    std::vector<int> frames;
    for (int k = 0; k < kGridFrames; ++k)
        frames.push_back(int(std::lround(double(k) * frameIndex / (kGridFrames - 1))));
    for (int f : frames) {
        const double tf = m_frames[std::size_t(f)]->t;
        v.columnLabels.push_back(shortT(tf));
        v.columnLabels.push_back("x0_hat");
    }
    const Index rows = std::min<Index>(kGridParticles, cur->x.rows());
    for (Index p = 0; p < rows; ++p) {
        v.rowLabels.push_back(fmt::format("particle {}", p));
        for (int f : frames) {
            const Frame& fr = *m_frames[std::size_t(f)];
            v.tiles.push_back(tile(fr.x.row(p)));
            v.tiles.push_back(tile(fr.x0Hat.row(p)));
        }
    }
    return v;
}

ImageGridView SceneEngine::posteriorView(int frameIndex) const {
    requireViewFits("posterior");
    const auto cur = frame(frameIndex);
    const Index p = std::min<Index>(m_scene.view.highlight, cur->x.rows() - 1);
    ImageGridView v;
    v.time = timeInfo(cur->t);
    v.side = m_side;
    v.columns = 2 + kTopImages;
    v.title = fmt::format("Posterior of particle {}", p);
    v.columnLabels = {"x_t", "x0_hat"};
    for (int k = 0; k < kTopImages; ++k) v.columnLabels.push_back(fmt::format("#{}", k + 1));
    v.tiles.push_back(tile(cur->x.row(p)));
    v.tiles.push_back(tile(cur->x0Hat.row(p), "weighted mean"));
    const auto* ideal = dynamic_cast<const IdealDenoiser*>(m_denoiser.get());
    if (cur->sigma <= 0) {
        // At t = 0 the posterior has collapsed: show the nearest training images instead, which
        // says at a glance whether the sample is a copy (distance 0).
        const Vector d2 = (m_data->points.rowwise() - cur->x.row(p)).rowwise().squaredNorm();
        const std::vector<Index> order = smallest(d2, kTopImages);
        v.tiles[1].caption = ""; // at t = 0, x0_hat is x itself
        for (Index i : order)
            v.tiles.push_back(
                tile(m_data->points.row(i), fmt::format("d {:.3g}", std::sqrt(d2[i]))));
        v.title = fmt::format("Nearest training images to particle {}", p);
        v.detail = d2[order[0]] < 1e-12
                       ? "distance 0: the sample is a copy of a training image"
                       : fmt::format("nearest distance {:.3g} (pixel values in [-1, 1])",
                                     std::sqrt(d2[order[0]]));
        return v;
    }
    if (!ideal) {
        v.tiles[1].caption = "";
        v.detail = "posterior weights need the ideal denoiser";
        return v;
    }
    // E[x0 | x_t] = sum_i w_i y_i (Karras et al. 2022, App. B.3): the largest w_i and their images.
    const Vector w = ideal->posteriorWeights(cur->x.row(p).transpose(), m_schedule->at(cur->t));
    const std::vector<Index> order = smallest(-w, kTopImages);
    double shown = 0;
    for (Index i : order) {
        v.tiles.push_back(tile(m_data->points.row(i), fmt::format("w {:.3g}", w[i])));
        shown += w[i];
    }
    v.detail = fmt::format("effective count {:.1f} images; the top {} hold {:.0f}% of the weight",
                           effectiveCount(w), order.size(), 100 * shown);
    return v;
}

} // namespace dfs
