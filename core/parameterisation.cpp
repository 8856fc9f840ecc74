// The prediction-target algebra (diffusion-math.md Section 2.2-2.3), written once for scalars
// and batches: each function is a template instantiated for double and Matrix below.
#include "core/parameterisation.hpp"

#include "core/errors.hpp"
#include "core/name_table.hpp"

#include <cmath>

namespace dfs {

namespace {
constexpr NameTable<Prediction, 6> kTargets = {{{Prediction::Eps, "eps"},
                                                {Prediction::X0, "x0"},
                                                {Prediction::V, "v"},
                                                {Prediction::Score, "score"},
                                                {Prediction::Velocity, "velocity"},
                                                {Prediction::Edm, "edm"}}};
constexpr NameTable<Prediction, 5> kQuantities = {{{Prediction::X0, "x0"},
                                                   {Prediction::Eps, "eps"},
                                                   {Prediction::V, "v"},
                                                   {Prediction::Score, "score"},
                                                   {Prediction::Velocity, "velocity"}}};

double scaleDenominator(const NoiseLevel& l, double sd) {
    return std::sqrt(l.sigma * l.sigma + l.alpha * l.alpha * sd * sd);
}
} // namespace

Prediction parsePrediction(const std::string& name) {
    return parseName(kQuantities, name, "quantity");
}

Prediction parseTrainTarget(const std::string& name) {
    return parseName(kTargets, name, "target");
}

std::string predictionName(Prediction p) {
    return nameOf(kTargets, p);
}

double edmSkip(const NoiseLevel& l, double sd) {
    const double d = scaleDenominator(l, sd);
    return sd * sd * l.alpha / (d * d);
}

double edmOut(const NoiseLevel& l, double sd) {
    return l.sigma * sd / scaleDenominator(l, sd);
}

template <class T>
T predictionOf(Prediction kind, const T& x, const T& x0, const T& eps, const NoiseLevel& l,
               double sd) {
    switch (kind) {
    case Prediction::X0:
        return x0;
    case Prediction::Eps:
        return eps;
    case Prediction::V:
        return T(l.alpha * eps - l.sigma * x0);
    case Prediction::Score:
        return T(-eps / l.sigma);
    case Prediction::Velocity:
        return T(l.alphaDot * x0 + l.sigmaDot * eps);
    case Prediction::Edm:
        return T((x0 - edmSkip(l, sd) * x) / edmOut(l, sd)); // Karras et al. 2022, eq. 8
    }
    return x0;
}

template <class T>
T fromX0(Prediction kind, const T& x, const T& x0, const NoiseLevel& l, double sd) {
    switch (kind) {
    case Prediction::X0:
        return x0;
    case Prediction::Score: // Tweedie's formula in one division (Efron 2011; Vincent 2010)
        return T((l.alpha * x0 - x) / (l.sigma * l.sigma));
    case Prediction::Edm:
        return predictionOf(kind, x, x0, x0, l, sd); // F does not need eps
    default:
        return predictionOf(kind, x, x0, T((x - l.alpha * x0) / l.sigma), l, sd);
    }
}

template <class T> T toX0(Prediction kind, const T& x, const T& p, const NoiseLevel& l, double sd) {
    const double a = l.alpha, s = l.sigma;
    switch (kind) {
    case Prediction::X0:
        return p;
    case Prediction::Eps:
        return T((x - s * p) / a);
    case Prediction::V: // [alpha sigma; -sigma alpha] [x0; eps] = [x; v]
        return T((a * x - s * p) / (a * a + s * s));
    case Prediction::Score:
        return T((x + s * s * p) / a);
    case Prediction::Velocity: // [alpha sigma; alpha' sigma'] [x0; eps] = [x; u]
        return T((s * p - l.sigmaDot * x) / (l.alphaDot * s - l.sigmaDot * a));
    case Prediction::Edm:
        return T(edmSkip(l, sd) * x + edmOut(l, sd) * p);
    }
    return p;
}

double predictionErrorFactor(Prediction kind, const NoiseLevel& l, double sd) {
    const double a = l.alpha, s = l.sigma;
    switch (kind) {
    case Prediction::Eps:
        return a * a / (s * s); // SNR
    case Prediction::X0:
        return 1.0;
    case Prediction::V:
        return (a * a + s * s) * (a * a + s * s) / (s * s);
    case Prediction::Score:
        return a * a / ((s * s) * (s * s));
    case Prediction::Velocity: {
        const double k = l.alphaDot - l.sigmaDot * a / s;
        return k * k;
    }
    case Prediction::Edm: {
        const double c = edmOut(l, sd);
        return 1.0 / (c * c);
    }
    }
    return 1.0;
}

PredictionCoefficients fromX0Coefficients(Prediction kind, const NoiseLevel& l, double sd) {
    const double a = l.alpha, s = l.sigma;
    switch (kind) {
    case Prediction::X0:
        return {0.0, 1.0};
    case Prediction::Eps:
        return {1.0 / s, -a / s};
    case Prediction::V: // alpha (x - alpha x0)/sigma - sigma x0
        return {a / s, -(a * a + s * s) / s};
    case Prediction::Score:
        return {-1.0 / (s * s), a / (s * s)};
    case Prediction::Velocity:
        return {l.sigmaDot / s, l.alphaDot - l.sigmaDot * a / s};
    case Prediction::Edm: {
        const double out = edmOut(l, sd);
        return {-edmSkip(l, sd) / out, 1.0 / out};
    }
    }
    return {0.0, 1.0};
}

template double predictionOf(Prediction, const double&, const double&, const double&,
                             const NoiseLevel&, double);
template Matrix predictionOf(Prediction, const Matrix&, const Matrix&, const Matrix&,
                             const NoiseLevel&, double);
template double fromX0(Prediction, const double&, const double&, const NoiseLevel&, double);
template Matrix fromX0(Prediction, const Matrix&, const Matrix&, const NoiseLevel&, double);
template double toX0(Prediction, const double&, const double&, const NoiseLevel&, double);
template Matrix toX0(Prediction, const Matrix&, const Matrix&, const NoiseLevel&, double);

} // namespace dfs
