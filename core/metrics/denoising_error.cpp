// The denoising error curve and the Bayes error (diffusion-math.md Sections 1.1, 1.8).
#include "core/metrics/denoising_error.hpp"

#include "core/denoisers/denoiser.hpp"
#include "core/denoisers/posterior.hpp"
#include "core/errors.hpp"
#include "core/io/table_io.hpp"
#include "core/rng/noise.hpp"
#include "core/rng/philox.hpp"
#include "core/schedules/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace dfs {

namespace {

constexpr std::uint32_t kDataSubstream = 0x44454e00u;  ///< "DEN\0": which data point
constexpr std::uint32_t kNoiseSubstream = 0x44454e01u; ///< the noise eps per level

/// Mean and standard error of the mean of the values.
std::pair<double, double> meanAndError(const Vector& v) {
    const double mean = v.mean();
    const double var = (v.array() - mean).square().sum() / double(v.size() - 1);
    return {mean, std::sqrt(var / double(v.size()))};
}

} // namespace

std::vector<DenoisingErrorPoint> denoisingErrorCurve(const Denoiser& model,
                                                     const Denoiser* reference,
                                                     const Schedule& schedule, const Matrix& data,
                                                     const DenoisingErrorOptions& o) {
    if (data.rows() == 0) throw UsageError("the denoising error needs data points");
    if (data.cols() != model.dim())
        throw UsageError(
            fmt::format("the denoising error: the data have {} dimensions, the model {}",
                        data.cols(), model.dim()));
    if (o.points < 2 || o.samples < 2)
        throw UsageError(fmt::format("the denoising error needs at least 2 levels and 2 samples "
                                     "(got {} and {})",
                                     o.points, o.samples));
    const double lo = std::isnan(o.logSnrMin) ? schedule.gridLogSnrMin() : o.logSnrMin;
    const double hi = std::isnan(o.logSnrMax) ? schedule.gridLogSnrMax() : o.logSnrMax;
    const Index n = o.samples, d = data.cols();
    Matrix x0(n, d);
    for (Index i = 0; i < n; ++i) {
        const double u = philoxUniforms4(o.seed, std::uint32_t(i), 0, kDataSubstream, 0)[0];
        x0.row(i) = data.row(std::min(data.rows() - 1, Index(u * double(data.rows()))));
    }
    std::vector<DenoisingErrorPoint> out;
    Matrix x(n, d), denoised(n, d), refOut(n, d);
    Vector err(n), bayes(n), nEff(n), entropy(n);
    for (int k = 0; k < o.points; ++k) {
        const double lambda = lo + (hi - lo) * k / (o.points - 1);
        // edm's and ve's smallest level is reached only as t -> 0+ (schedule.hpp).
        const NoiseLevel l =
            schedule.at(std::max(schedule.tFromLogSnr(lambda), kSmallestPositiveT));
        if (!(l.sigma > 0) || !(l.alpha > 0)) continue; // the ends of a schedule's range
        x = l.alpha * x0 +
            l.sigma * gaussianNoise(o.seed, 0, n, d, std::uint32_t(k), kNoiseSubstream);
        model.denoiseRows(x, l, denoised, 0, n);
        err = (denoised - x0).rowwise().squaredNorm() / double(d);
        DenoisingErrorPoint p;
        p.logSnr = schedule.logSnr(l.t);
        p.t = l.t;
        p.alpha = l.alpha;
        p.sigma = l.sigma;
        std::tie(p.mse, p.mseSe) = meanAndError(err);
        if (reference) {
            reference->denoiseRows(x, l, refOut, 0, n);
            p.hasGap = true;
            std::tie(p.gap, p.gapSe) =
                meanAndError((denoised - refOut).rowwise().squaredNorm() / double(d));
            if (const auto post = exactPosterior(*reference, l)) {
                for (Index i = 0; i < n; ++i) {
                    const Vector xi = x.row(i).transpose();
                    bayes[i] = post->traceCov(xi) / double(d);
                    if (o.posteriorStats) {
                        const Vector w = post->weightsAt(xi);
                        nEff[i] = weightsEffectiveCount(w);
                        entropy[i] = weightsEntropy(w);
                    }
                }
                p.hasBayes = true;
                std::tie(p.bayes, p.bayesSe) = meanAndError(bayes);
                if (o.posteriorStats) {
                    std::tie(p.nEff, p.nEffSe) = meanAndError(nEff);
                    std::tie(p.entropy, p.entropySe) = meanAndError(entropy);
                }
            }
        }
        p.weights = impliedWeights(l);
        out.push_back(p);
    }
    return out;
}

Table denoisingErrorTable(const std::vector<DenoisingErrorPoint>& curve) {
    const bool bayes = !curve.empty() && curve.front().hasBayes;
    Table t;
    t.columns = {"logsnr", "t", "sigma", "mse", "mse_se"};
    if (bayes) t.columns.insert(t.columns.end(), {"bayes", "bayes_se"});
    t.columns.insert(t.columns.end(), {"w_eps", "w_v", "w_velocity", "w_score"});
    t.rows.resize(Index(curve.size()), Index(t.columns.size()));
    for (std::size_t i = 0; i < curve.size(); ++i) {
        const DenoisingErrorPoint& p = curve[i];
        std::vector<double> row{p.logSnr, p.t, p.sigma, p.mse, p.mseSe};
        if (bayes) row.insert(row.end(), {p.bayes, p.bayesSe});
        row.insert(row.end(), {p.weights.eps, p.weights.v, p.weights.velocity, p.weights.score});
        for (std::size_t c = 0; c < row.size(); ++c) t.rows(Index(i), Index(c)) = row[c];
    }
    return t;
}

} // namespace dfs
