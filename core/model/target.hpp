// What the network predicts, and how its input and output are scaled (diffusion-math.md 2.2-2.3).
// All targets share the input scaling and noise conditioning of EDM (Karras et al. 2022, Table 1):
// with x~ = x / alpha and sigma~ = sigma / alpha, the network sees c_in x~ and c_noise(sigma~),
// which stay finite where alpha -> 0 because c_in x~ = x / sqrt(sigma^2 + alpha^2 sd^2).
#pragma once

#include "core/schedules/schedule.hpp"

#include <string>

namespace dfs {

enum class TrainTarget {
    Eps,      ///< noise eps (Ho et al. 2020, eq. 14)
    X0,       ///< clean data x0
    V,        ///< v = alpha eps - sigma x0 (Salimans & Ho 2022, App. D)
    Score,    ///< grad log p = -eps / sigma (Song & Ermon 2019)
    Velocity, ///< PF-ODE / flow-matching velocity alpha' x0 + sigma' eps (Lipman et al. 2023)
    Edm,      ///< EDM-preconditioned F: D = c_skip x~ + c_out F (Karras et al. 2022, eq. 7)
};

TrainTarget parseTrainTarget(const std::string& name); ///< eps, x0, v, score, velocity, edm
std::string trainTargetName(TrainTarget t);

/// c_in x~ = x / sqrt(sigma^2 + alpha^2 sd^2): the network's input scale for x.
double inputScale(const NoiseLevel& l, double sigmaData);
/// c_noise = ln(sigma~) / 4 (Karras et al. 2022, Table 1), sigma~ clamped to [1e-8, 1e8].
double noiseConditioning(const NoiseLevel& l);
/// EDM c_skip x~ and c_out in forms finite at alpha = 0: sd^2 alpha / (sigma^2 + alpha^2 sd^2)
/// multiplies x, and c_out = sigma sd / sqrt(sigma^2 + alpha^2 sd^2) (sigma~ form times alpha).
double edmSkip(const NoiseLevel& l, double sigmaData);
double edmOut(const NoiseLevel& l, double sigmaData);

/// The regression target for one coordinate, given x = alpha x0 + sigma eps.
double targetValue(TrainTarget t, double x0, double eps, double x, const NoiseLevel& l,
                   double sigmaData);
/// The denoised x0 implied by a prediction `out` of the target at x.
double x0FromTarget(TrainTarget t, double out, double x, const NoiseLevel& l, double sigmaData);
/// k with ||target error||^2 = k ||x0 error||^2 at this level (diffusion-math.md 2.3; for
/// edm 1 / c_out^2): the factor that turns an x0-space loss weight into a target-space one.
double targetErrorFactor(TrainTarget t, const NoiseLevel& l, double sigmaData);

} // namespace dfs
