// The one algebra of prediction targets (diffusion-math.md Section 2.2-2.3): every conversion
// among x0, eps, v, score, velocity and EDM's preconditioned F, for any schedule, on scalars
// (training, the learned denoiser's output) and on batches (samplers, views). With
// x = alpha x0 + sigma eps:
//   eps = (x - alpha x0)/sigma,  v = alpha eps - sigma x0 (Salimans & Ho 2022, App. D),
//   score = (alpha x0 - x)/sigma^2 = -eps/sigma (Tweedie; Vincent 2010),
//   u = alpha' x0 + sigma' eps (PF-ODE velocity, Song et al. 2021 eq. 13 written for
//   x_t = alpha x0 + sigma eps; the flow-matching target of Lipman et al. 2023),
//   F = (x0 - c_skip x)/c_out (EDM-preconditioned output, Karras et al. 2022 eq. 7-8).
#pragma once

#include "core/schedules/schedule.hpp"
#include "core/types.hpp"

#include <string>

namespace dfs {

/// What a network predicts, or which quantity a view shows.
enum class Prediction {
    X0,       ///< clean data x0
    Eps,      ///< noise eps (Ho et al. 2020, eq. 14)
    V,        ///< v = alpha eps - sigma x0
    Score,    ///< grad log p_t = -eps / sigma (Song & Ermon 2019)
    Velocity, ///< alpha' x0 + sigma' eps
    Edm,      ///< EDM-preconditioned F: D = c_skip x + c_out F (a training target only)
};

/// A quantity a view or `field` shows: x0, eps, v, score, velocity (not edm).
Prediction parsePrediction(const std::string& name);
/// A training target: eps, x0, v, score, velocity, edm.
Prediction parseTrainTarget(const std::string& name);
std::string predictionName(Prediction p);

/// EDM's c_skip and c_out for x (not x~), in forms finite at alpha = 0:
/// c_skip = sd^2 alpha / (sigma^2 + alpha^2 sd^2), c_out = sigma sd / sqrt(sigma^2 + alpha^2 sd^2)
/// (Karras et al. 2022, Table 1, in sigma~ = sigma/alpha units times alpha).
double edmSkip(const NoiseLevel& l, double sigmaData);
double edmOut(const NoiseLevel& l, double sigmaData);

/// The prediction `kind` of the pair (x0, eps) with x = alpha x0 + sigma eps: a training target.
template <class T>
T predictionOf(Prediction kind, const T& x, const T& x0, const T& eps, const NoiseLevel& l,
               double sigmaData);

/// The prediction `kind` implied by a denoiser's x0 at (x, level). Needs sigma > 0 for every
/// kind but x0. `sigmaData` matters only for edm.
template <class T>
T fromX0(Prediction kind, const T& x, const T& x0, const NoiseLevel& l, double sigmaData = 0.5);

/// The x0 implied by a prediction `pred` of `kind` at x. eps and score need alpha > 0; v and
/// velocity are solved as 2x2 linear systems and work wherever those are invertible.
template <class T>
T toX0(Prediction kind, const T& x, const T& pred, const NoiseLevel& l, double sigmaData = 0.5);

/// k with ||prediction error||^2 = k ||x0 error||^2 at this level (diffusion-math.md 2.3; for
/// edm 1 / c_out^2): the factor that turns an x0-space loss weight into a target-space one.
double predictionErrorFactor(Prediction kind, const NoiseLevel& l, double sigmaData);

/// The prediction as an affine map of (x, x0): fromX0(kind, x, x0) = x * x + x0 * x0 (a
/// Jacobian's diagonal factors, e.g. the PF-ODE velocity's divergence, Section 3.8).
struct PredictionCoefficients {
    double x = 0;  ///< d prediction / d x at fixed x0
    double x0 = 1; ///< d prediction / d x0 at fixed x
};
PredictionCoefficients fromX0Coefficients(Prediction kind, const NoiseLevel& l,
                                          double sigmaData = 0.5);

extern template double predictionOf(Prediction, const double&, const double&, const double&,
                                    const NoiseLevel&, double);
extern template Matrix predictionOf(Prediction, const Matrix&, const Matrix&, const Matrix&,
                                    const NoiseLevel&, double);
extern template double fromX0(Prediction, const double&, const double&, const NoiseLevel&, double);
extern template Matrix fromX0(Prediction, const Matrix&, const Matrix&, const NoiseLevel&, double);
extern template double toX0(Prediction, const double&, const double&, const NoiseLevel&, double);
extern template Matrix toX0(Prediction, const Matrix&, const Matrix&, const NoiseLevel&, double);

} // namespace dfs
