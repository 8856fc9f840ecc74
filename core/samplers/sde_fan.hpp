// A fan of reverse-SDE paths from one starting point (diffusion-math.md 1.4, "from one fixed x_T,
// fan out many reverse paths with different noise draws"): copies of x_T stepped by a stochastic
// sampler, path p drawing the Philox noise of particle firstPath + p. The draws are fixed per
// path and step, and a sampler's stochasticity scales them (DDIM's eta, EDM's S_churn), so
// turning it from 0 to 1 morphs the same paths from the ODE's (eta = 0: every path is the
// PF-ODE path) to the SDE's with the same Brownian increments.
#pragma once

#include "core/samplers/sampler.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace dfs {

class Backend;
class Denoiser;

/// The stochastic sampler behind a fan and its settings.
struct FanSampler {
    const SamplerInfo* sampler = nullptr;
    SamplerOptions options;
    std::string knob;        ///< its stochasticity for captions: "eta = 1", "S_churn = 40"
    bool substitute = false; ///< the scene's sampler had no such knob: ddim with eta = 1 stands in
};

/// `ddim` (eta) and `edm-sde` (S_churn) keep the scene's settings; any other sampler is
/// replaced by ddim with eta = 1 (the DDPM posterior variance: the reverse SDE's discretisation).
FanSampler fanSampler(const std::string& sampler, const SamplerOptions& options);
/// The same sampler with its stochasticity off: eta = 0 or S_churn = 0, i.e. DDIM's or Heun's
/// solution of the probability-flow ODE.
FanSampler withoutNoise(const FanSampler& s);

struct FanConfig {
    FanSampler sampler;
    std::vector<double> grid; ///< strictly decreasing to 0, as a SamplerRun's
    std::uint64_t seed = 0;
    std::uint32_t firstPath = 0; ///< Philox particle index of path 0
    int paths = 64;
};

/// The fan from xT (a row) at grid[0] through frame lastFrame: element k holds the paths at
/// grid[k] (paths x dim). Throws UsageError for a bad config, lastFrame outside [0, steps] or
/// fewer than one path.
std::vector<Matrix> fanFrames(const Schedule& schedule, const Denoiser& model, Backend& backend,
                              const FanConfig& config, const Matrix& xT, int lastFrame);

/// One step of the fan's sampler from x (a row) at grid[step] split into its two parts,
/// x_next = x + drift + noise: drift is the step taken with zero noise, noise what the draw of
/// Philox particle `particle` adds to it (for DDIM exactly c z, eq. 12 of Song et al. 2021a).
struct StepParts {
    Matrix drift, noise; ///< rows like x
};
StepParts stepParts(const Schedule& schedule, const Denoiser& model, Backend& backend,
                    const FanConfig& config, int step, const Matrix& x, std::uint32_t particle);

} // namespace dfs
