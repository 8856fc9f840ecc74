// Targets, preconditioning and implied weights of the learned denoiser.
#include "core/model/target.hpp"

#include "core/errors.hpp"
#include "core/name_table.hpp"

#include <algorithm>
#include <cmath>

namespace dfs {

namespace {
constexpr NameTable<TrainTarget, 6> kTargets = {{{TrainTarget::Eps, "eps"},
                                                 {TrainTarget::X0, "x0"},
                                                 {TrainTarget::V, "v"},
                                                 {TrainTarget::Score, "score"},
                                                 {TrainTarget::Velocity, "velocity"},
                                                 {TrainTarget::Edm, "edm"}}};
} // namespace

TrainTarget parseTrainTarget(const std::string& name) {
    return parseName(kTargets, name, "target");
}

std::string trainTargetName(TrainTarget t) {
    return nameOf(kTargets, t);
}

namespace {
double scaleDenominator(const NoiseLevel& l, double sd) {
    return std::sqrt(l.sigma * l.sigma + l.alpha * l.alpha * sd * sd);
}
} // namespace

double inputScale(const NoiseLevel& l, double sd) {
    return 1.0 / scaleDenominator(l, sd);
}

double noiseConditioning(const NoiseLevel& l) {
    const double st = std::clamp(l.sigma / l.alpha, 1e-8, 1e8); // alpha = 0 gives +inf -> 1e8
    return 0.25 * std::log(st);
}

double edmSkip(const NoiseLevel& l, double sd) {
    const double d = scaleDenominator(l, sd);
    return sd * sd * l.alpha / (d * d);
}

double edmOut(const NoiseLevel& l, double sd) {
    return l.sigma * sd / scaleDenominator(l, sd);
}

double targetValue(TrainTarget t, double x0, double eps, double x, const NoiseLevel& l, double sd) {
    switch (t) {
    case TrainTarget::Eps:
        return eps;
    case TrainTarget::X0:
        return x0;
    case TrainTarget::V:
        return l.alpha * eps - l.sigma * x0;
    case TrainTarget::Score:
        return -eps / l.sigma;
    case TrainTarget::Velocity:
        return l.alphaDot * x0 + l.sigmaDot * eps;
    case TrainTarget::Edm:
        return (x0 - edmSkip(l, sd) * x) / edmOut(l, sd); // eq. 8
    }
    return 0;
}

double x0FromTarget(TrainTarget t, double out, double x, const NoiseLevel& l, double sd) {
    const double a = l.alpha, s = l.sigma;
    switch (t) {
    case TrainTarget::Eps:
        return (x - s * out) / a;
    case TrainTarget::X0:
        return out;
    case TrainTarget::V:
        return (a * x - s * out) / (a * a + s * s);
    case TrainTarget::Score:
        return (x + s * s * out) / a;
    case TrainTarget::Velocity:
        return (s * out - l.sigmaDot * x) / (l.alphaDot * s - l.sigmaDot * a);
    case TrainTarget::Edm:
        return edmSkip(l, sd) * x + edmOut(l, sd) * out;
    }
    return 0;
}

double targetErrorFactor(TrainTarget t, const NoiseLevel& l, double sd) {
    const double a = l.alpha, s = l.sigma;
    switch (t) {
    case TrainTarget::Eps:
        return a * a / (s * s); // SNR
    case TrainTarget::X0:
        return 1.0;
    case TrainTarget::V:
        return (a * a + s * s) * (a * a + s * s) / (s * s);
    case TrainTarget::Score:
        return a * a / (s * s * s * s);
    case TrainTarget::Velocity: {
        const double k = l.alphaDot - l.sigmaDot * a / s;
        return k * k;
    }
    case TrainTarget::Edm: {
        const double c = edmOut(l, sd);
        return 1.0 / (c * c);
    }
    }
    return 1.0;
}

} // namespace dfs
