// How the network's input is scaled and conditioned on the noise level (diffusion-math.md 2.3).
// All targets share the input scaling and noise conditioning of EDM (Karras et al. 2022, Table 1):
// with x~ = x / alpha and sigma~ = sigma / alpha, the network sees c_in x~ and c_noise(sigma~),
// which stay finite where alpha -> 0 because c_in x~ = x / sqrt(sigma^2 + alpha^2 sd^2).
// What it predicts, and the conversions back to x0, are core/parameterisation.hpp's.
#pragma once

#include "core/parameterisation.hpp"
#include "core/schedules/schedule.hpp"

namespace dfs {

/// c_in x~ = x / sqrt(sigma^2 + alpha^2 sd^2): the network's input scale for x.
double inputScale(const NoiseLevel& l, double sigmaData);
/// c_noise = ln(sigma~) / 4 (Karras et al. 2022, Table 1), sigma~ clamped to [1e-8, 1e8].
double noiseConditioning(const NoiseLevel& l);

} // namespace dfs
