// Conversions among x0, eps, v, score and velocity predictions (diffusion-math.md Section 2.2).
#include "core/parameterisation.hpp"

#include "core/errors.hpp"

#include <fmt/format.h>

namespace dfs {

Prediction parsePrediction(const std::string& name) {
    if (name == "x0") return Prediction::X0;
    if (name == "eps") return Prediction::Eps;
    if (name == "v") return Prediction::V;
    if (name == "score") return Prediction::Score;
    if (name == "velocity") return Prediction::Velocity;
    throw UsageError(
        fmt::format("unknown quantity '{}' (choose from x0, eps, v, score, velocity)", name));
}

std::string predictionName(Prediction p) {
    switch (p) {
    case Prediction::X0:
        return "x0";
    case Prediction::Eps:
        return "eps";
    case Prediction::V:
        return "v";
    case Prediction::Score:
        return "score";
    case Prediction::Velocity:
        return "velocity";
    }
    return "?";
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
