// Runs a sampler to the end on the device or by steps (sample_to_end.hpp).
#include "core/samplers/sample_to_end.hpp"

#include "core/backend/backend.hpp"
#include "core/denoisers/denoiser.hpp"
#include "core/errors.hpp"

#include <fmt/format.h>

namespace dfs {

SampleResult sampleToEnd(const Schedule& schedule, const Denoiser& model, Backend& backend,
                         const SamplerRunConfig& config, Matrix xInit, const StepSink& sink,
                         int every) {
    validateRunConfig(config);
    if (every < 1) throw UsageError(fmt::format("frames every {} steps: must be >= 1", every));
    const int steps = int(config.grid.size()) - 1;
    const auto wanted = [&](int step) { return step % every == 0 || step == steps; };
    if (sink) sink(0, config.grid.front(), xInit);

    SampleResult r;
    r.x = xInit;
    RunFrames frames{every, {}};
    if (sink)
        frames.sink = [&](int step, const Matrix& x) {
            sink(step, config.grid[std::size_t(step)], x);
        };
    if ((r.nfe = backend.runSampler(model, schedule, config, r.x, sink ? &frames : nullptr))) {
        r.onDevice = true;
        return r;
    }
    SamplerRun run(schedule, model, backend, config, std::move(xInit));
    while (!run.done()) {
        const Frame& f = run.step();
        if (sink && wanted(f.i)) sink(f.i, f.t, f.x);
    }
    r.x = run.current().x;
    r.nfe = run.current().nfe;
    return r;
}

} // namespace dfs
