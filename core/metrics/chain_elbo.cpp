// The chain's negative ELBO per term (diffusion-math.md Section 1.2; Ho et al. 2020, eq. 5;
// Kingma et al. 2021, the discrete-time loss).
#include "core/metrics/chain_elbo.hpp"

#include "core/datasets/point_set.hpp"
#include "core/denoisers/denoiser.hpp"
#include "core/denoisers/gmm_denoiser.hpp"
#include "core/errors.hpp"
#include "core/io/table_io.hpp"
#include "core/rng/noise.hpp"
#include "core/rng/philox.hpp"
#include "core/schedules/schedule.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <numbers>

namespace dfs {

namespace {

constexpr std::uint32_t kDataSubstream = 0x454c4200u;  ///< "ELB\0": which data point
constexpr std::uint32_t kNoiseSubstream = 0x454c4201u; ///< the noise of x_{t_i}, step i

std::pair<double, double> meanAndError(const Vector& v) {
    const double mean = v.mean();
    const double var = (v.array() - mean).square().sum() / double(v.size() - 1);
    return {mean, std::sqrt(var / double(v.size()))};
}

double snr(const NoiseLevel& l) {
    return (l.alpha * l.alpha) / (l.sigma * l.sigma);
}

/// log Q(z) = log P(N(0, 1) > z): erfc where it does not underflow, else the asymptotic series
/// log phi(z) - log z + log(1 - 1/z^2 + 3/z^4) (Abramowitz & Stegun 26.2.12), whose error
/// 15/z^6 is below 3e-8 past z = 30.
double logUpperTail(double z) {
    if (z < 30) return std::log(0.5 * std::erfc(z / std::numbers::sqrt2));
    return -0.5 * z * z - std::log(z) - 0.5 * std::log(2 * std::numbers::pi) +
           std::log1p(-1 / (z * z) + 3 / (z * z * z * z));
}

} // namespace

double logNormalMass(double a, double b) {
    if (!(a < b)) throw UsageError(fmt::format("logNormalMass needs a < b (got {} and {})", a, b));
    if (a >= 0) // Q(a) - Q(b)
        return logUpperTail(a) + std::log1p(-std::exp(logUpperTail(b) - logUpperTail(a)));
    if (b <= 0) // Q(-b) - Q(-a)
        return logUpperTail(-b) + std::log1p(-std::exp(logUpperTail(-a) - logUpperTail(-b)));
    return std::log1p(-(std::exp(logUpperTail(-a)) + std::exp(logUpperTail(b))));
}

double snapToLevel(double x, int levels) {
    const double k = std::clamp(std::round((x + 1) * 0.5 * (levels - 1)), 0.0, double(levels - 1));
    return 2 * k / (levels - 1) - 1;
}

double ChainElbo::bitsPerDim() const {
    return total / (double(dim) * std::numbers::ln2);
}

double ChainElbo::stepSum() const {
    double s = 0;
    for (const ChainElboStep& k : terms) s += k.kl;
    return s;
}

std::vector<double> chainElboGrid(const Schedule& schedule, int steps) {
    if (steps < 1) throw UsageError(fmt::format("the ELBO needs at least 1 step (got {})", steps));
    // The sampling span (schedule.hpp): edm's and ve's smallest level is reached only as t -> 0+.
    const double hi = schedule.gridLogSnrMax();
    const double lo = std::max(schedule.gridLogSnrMin(), schedule.logSnr(1.0));
    std::vector<double> t(std::size_t(steps) + 1);
    for (int i = 0; i <= steps; ++i)
        t[std::size_t(i)] =
            std::max(schedule.tFromLogSnr(hi + (lo - hi) * i / steps), kSmallestPositiveT);
    return t;
}

ChainElbo chainElbo(const Denoiser& model, const Schedule& schedule, const Matrix& data,
                    const ChainElboOptions& o, const GmmParams* truth) {
    if (data.rows() == 0) throw UsageError("the ELBO needs data points");
    if (data.cols() != model.dim())
        throw UsageError(fmt::format("the ELBO: the data have {} dimensions, the model {}",
                                     data.cols(), model.dim()));
    if (o.discreteLevels < 0 || o.discreteLevels == 1)
        throw UsageError(fmt::format("the ELBO's discrete data need at least 2 levels (got {}; "
                                     "0: continuous data)",
                                     o.discreteLevels));
    if (o.steps < 1 || o.samples < 2)
        throw UsageError(fmt::format("the ELBO needs at least 1 step and 2 samples (got {} and {})",
                                     o.steps, o.samples));
    const int T = o.steps;
    const Index n = o.samples, d = data.cols();
    ChainElbo out;
    out.times = chainElboGrid(schedule, T);
    std::vector<NoiseLevel> level;
    for (double t : out.times) level.push_back(schedule.at(t));
    for (int i = 1; i <= T; ++i) // holds on any schedule whose logSNR falls strictly
        if (!(snr(level[std::size_t(i - 1)]) > snr(level[std::size_t(i)])))
            throw UsageError(fmt::format("the ELBO: the SNR of schedule '{}' does not fall "
                                         "between t = {} and {}",
                                         schedule.name(), out.times[std::size_t(i - 1)],
                                         out.times[std::size_t(i)]));
    const NoiseLevel& first = level.front();
    const DenoiseFn denoise =
        o.denoise ? o.denoise
                  : DenoiseFn([&model](const Matrix& x, const NoiseLevel& l, Matrix& out) {
                        model.denoiseRows(x, l, out, 0, x.rows());
                    });

    Matrix x0(n, d);
    for (Index i = 0; i < n; ++i) {
        const double u = philoxUniforms4(o.seed, std::uint32_t(i), 0, kDataSubstream, 0)[0];
        x0.row(i) = data.row(std::min(data.rows() - 1, Index(u * double(data.rows()))));
    }
    const int levels = o.discreteLevels;
    if (levels > 0) x0 = x0.unaryExpr([levels](double v) { return snapToLevel(v, levels); });
    out.discreteLevels = levels;
    out.steps = T;
    out.dim = int(d);
    out.samples = n;
    Vector total = Vector::Zero(n), term(n);
    Matrix x(n, d), denoised(n, d);
    auto errAt = [&](int i) { // ||x0 - D(x_{t_i})||^2 per sample
        const NoiseLevel& l = level[std::size_t(i)];
        x = l.alpha * x0 +
            l.sigma * gaussianNoise(o.seed, 0, n, d, std::uint32_t(i), kNoiseSubstream);
        denoise(x, l, denoised);
        return Vector((denoised - x0).rowwise().squaredNorm());
    };
    // Prior: KL(N(alpha_T x0, sigma_T^2 I) || N(0, sigma_T^2 I)) = alpha_T^2 ||x0||^2 / (2
    // sigma_T^2).
    const NoiseLevel& last = level[std::size_t(T)];
    term = x0.rowwise().squaredNorm() * (0.5 * snr(last));
    std::tie(out.prior, out.priorSe) = meanAndError(term);
    total += term;
    // Reconstruction: -log N(x0; D(x_{t_0}), s_0^2 I), or for discrete data the mass of x0's
    // bin under it (Ho et al. 2020, eq. 13).
    const double s0 = first.sigma / first.alpha;
    out.decoderStd = s0;
    term = (0.5 * double(d) * std::log(2 * std::numbers::pi * s0 * s0)) +
           errAt(0).array() / (2 * s0 * s0);
    if (levels > 0) { // errAt(0) left D(x_{t_0}) in `denoised`
        const double half = 1.0 / (levels - 1), inf = std::numeric_limits<double>::infinity();
        for (Index i = 0; i < n; ++i) {
            double nll = 0;
            for (Index j = 0; j < d; ++j) {
                const double x = x0(i, j), mu = denoised(i, j);
                const double lo = x <= -1 + 0.5 * half ? -inf : (x - half - mu) / s0;
                const double hi = x >= 1 - 0.5 * half ? inf : (x + half - mu) / s0;
                nll -= logNormalMass(lo, hi);
            }
            term[i] = nll;
        }
    }
    std::tie(out.reconstruction, out.reconstructionSe) = meanAndError(term);
    total += term;
    // Steps: (SNR(s) - SNR(t)) / 2 ||x0 - D(x_t)||^2 (VDM's SNR form).
    for (int i = 1; i <= T; ++i) {
        const double w = 0.5 * (snr(level[std::size_t(i - 1)]) - snr(level[std::size_t(i)]));
        term = w * errAt(i);
        ChainElboStep k;
        k.s = out.times[std::size_t(i - 1)];
        k.t = out.times[std::size_t(i)];
        std::tie(k.kl, k.klSe) = meanAndError(term);
        out.terms.push_back(k);
        total += term;
    }
    std::tie(out.total, out.totalSe) = meanAndError(total);
    const auto hasDensity = [](const GmmParams& g) { // point masses (a zero covariance) have none
        for (const Matrix& c : g.covs)
            if (Eigen::LLT<Matrix>(c).info() != Eigen::Success) return false;
        return true;
    };
    if (truth && levels == 0 && hasDensity(*truth)) {
        const GmmDenoiser exact(*truth);
        NoiseLevel zero;
        zero.alpha = 1;
        zero.sigma = 0;
        Vector logp(n);
        exact.logDensityRows(x0, zero, logp, 0, n);
        if (logp.allFinite()) {
            out.hasExact = true;
            std::tie(out.exactNll, out.exactNllSe) = meanAndError(-logp);
            out.gapSe = meanAndError(total + logp).second;
        }
    }
    return out;
}

Table chainElboTable(const ChainElbo& e) {
    const Index rows = Index(e.terms.size()) + 2;
    Table table{{"step", "s", "t", "nats", "se", "cumulative"}, Matrix(rows, 6)};
    double cumulative = e.prior;
    const double top = e.times.back();
    table.rows.row(rows - 1) << double(rows - 1), top, top, e.prior, e.priorSe, cumulative;
    for (Index k = Index(e.terms.size()) - 1; k >= 0; --k) {
        const ChainElboStep& s = e.terms[std::size_t(k)];
        cumulative += s.kl;
        table.rows.row(k + 1) << double(k + 1), s.s, s.t, s.kl, s.klSe, cumulative;
    }
    cumulative += e.reconstruction;
    table.rows.row(0) << 0.0, 0.0, e.times.front(), e.reconstruction, e.reconstructionSe,
        cumulative;
    return table;
}

} // namespace dfs
