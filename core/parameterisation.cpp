// Conversions among x0, eps, v, score and velocity predictions (diffusion-math.md Section 2.2).
#include "core/parameterisation.hpp"

#include "core/errors.hpp"
#include "core/name_table.hpp"

#include <fmt/format.h>

namespace dfs {

namespace {
constexpr NameTable<Prediction, 5> kPredictions = {{{Prediction::X0, "x0"},
                                                    {Prediction::Eps, "eps"},
                                                    {Prediction::V, "v"},
                                                    {Prediction::Score, "score"},
                                                    {Prediction::Velocity, "velocity"}}};
} // namespace

Prediction parsePrediction(const std::string& name) {
    return parseName(kPredictions, name, "quantity");
}

std::string predictionName(Prediction p) {
    return nameOf(kPredictions, p);
}

Matrix fromX0(Prediction kind, const Matrix& x, const Matrix& x0, const NoiseLevel& l) {
    if (kind == Prediction::X0) return x0;
    const Matrix eps = (x - l.alpha * x0) / l.sigma;
    switch (kind) {
    case Prediction::Eps:
        return eps;
    case Prediction::V:
        return l.alpha * eps - l.sigma * x0;
    case Prediction::Score:
        return -eps / l.sigma;
    case Prediction::Velocity:
        return l.alphaDot * x0 + l.sigmaDot * eps;
    default:
        return x0;
    }
}

Matrix toX0(Prediction kind, const Matrix& x, const Matrix& p, const NoiseLevel& l) {
    switch (kind) {
    case Prediction::X0:
        return p;
    case Prediction::Eps:
        return (x - l.sigma * p) / l.alpha;
    // [alpha sigma; -sigma alpha] [x0; eps] = [x; v]
    case Prediction::V:
        return (l.alpha * x - l.sigma * p) / (l.alpha * l.alpha + l.sigma * l.sigma);
    case Prediction::Score:
        return (x + l.sigma * l.sigma * p) / l.alpha;
    // [alpha sigma; alpha' sigma'] [x0; eps] = [x; u]
    case Prediction::Velocity:
        return (l.sigmaDot * x - l.sigma * p) / (l.alpha * l.sigmaDot - l.sigma * l.alphaDot);
    }
    return p;
}

} // namespace dfs
