// Sampling for the quality tests: a whole run of a registered sampler on the cosine schedule,
// on the CPU backend, from the prior with a fixed seed.
#pragma once

#include "core/backend/backend.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/schedules/time_grid.hpp"

#include <cstdint>

namespace dfs::test {

/// n samples of dimension dim: `sampler` over `steps` steps of its grid.
inline Matrix sampleWith(const char* sampler, GridSpacing spacing, int steps, const Denoiser& model,
                         Index n, int dim, std::uint64_t seed) {
    const auto schedule = makeSchedule("cosine");
    auto backend = makeBackend("cpu");
    SamplerRunConfig c;
    c.sampler = &findSampler(sampler);
    c.grid = makeTimeGrid(*schedule, spacing, steps);
    c.seed = seed;
    SamplerRun run(*schedule, model, *backend, c,
                   SamplerRun::priorSample(*schedule, c.grid.front(), n, dim, seed));
    while (!run.done()) run.step();
    return run.current().x;
}

} // namespace dfs::test
