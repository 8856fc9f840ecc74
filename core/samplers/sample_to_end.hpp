// One way to run a sampler to the end: whole on the backend's device where it has a path for
// the model and the sampler (Backend::runSampler), else by stepping a SamplerRun. The CLI's
// sample, demo and bench and any caller that needs only the end (or frames every few steps)
// go through it, so "try the device, else step" and the NFE count live here alone.
#pragma once

#include "core/samplers/sampler_run.hpp"

#include <functional>

namespace dfs {

class Backend;
class Denoiser;

struct SampleResult {
    Matrix x;              ///< the particles at t = 0
    long nfe = 0;          ///< the sampler's denoiser evaluations (Frame::nfe's count)
    bool onDevice = false; ///< whether the whole run stayed on the backend's device
};

/// x at grid step `step` (0 = the start, grid.size() - 1 = the end) at time t.
using StepSink = std::function<void(int step, double t, const Matrix& x)>;

/// Runs config's sampler from xInit to t = 0. `sink`, where given, receives the start and x
/// after every `every`-th step and after the last (in order; the device's frames are float
/// values). Throws what SamplerRun throws for a bad config, dimension or non-finite state.
SampleResult sampleToEnd(const Schedule& schedule, const Denoiser& model, Backend& backend,
                         const SamplerRunConfig& config, Matrix xInit, const StepSink& sink = {},
                         int every = 1);

} // namespace dfs
