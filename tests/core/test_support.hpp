// Small helpers shared by the core tests: Gaussian mixtures built by hand, standard-normal
// matrices, and a driver that runs a sampler to the end and keeps every frame.
#pragma once

#include "core/backend/backend.hpp"
#include "core/datasets/point_set.hpp"
#include "core/denoisers/denoiser.hpp"
#include "core/errors.hpp"
#include "core/rng/noise.hpp"
#include "core/samplers/sampler.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/schedules/schedule.hpp"
#include "core/types.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace dfs::test {

/// The message of the exception of type E that `f` throws (fails the test if none is thrown).
template <typename E = DataError, typename F> std::string errorOf(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    }
    FAIL("expected an exception");
    return {};
}

inline bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

/// One-component mixture N(mu, c^2 I).
inline GmmParams isotropicGaussian(const Vector& mu, double c) {
    GmmParams g;
    g.weights = {1.0};
    g.means = {mu};
    g.covs = {Matrix::Identity(mu.size(), mu.size()) * (c * c)};
    return g;
}

/// rows x dim standard normals from a test-only substream (not one the samplers use).
inline Matrix normals(std::uint64_t seed, Index rows, Index dim) {
    return gaussianNoise(seed, 0, rows, dim, 0x7e57u, 0x7e57u);
}

/// Largest absolute entry of a - b.
inline double maxAbsDiff(const Matrix& a, const Matrix& b) {
    return (a - b).cwiseAbs().maxCoeff();
}

struct RunOutput {
    Matrix x;                  ///< final samples (at t = 0)
    std::vector<Frame> frames; ///< frame 0 (the start) .. frame N
};

/// Runs `sampler` over `grid` from xInit to the end, recording every frame.
inline RunOutput runSampler(const std::string& sampler, const Schedule& schedule,
                            const Denoiser& model, Backend& backend, std::vector<double> grid,
                            Matrix xInit, std::uint64_t seed, SamplerOptions options = {}) {
    SamplerRunConfig cfg;
    cfg.sampler = &findSampler(sampler);
    cfg.grid = std::move(grid);
    cfg.options = options;
    cfg.seed = seed;
    SamplerRun run(schedule, model, backend, std::move(cfg), std::move(xInit));
    RunOutput out;
    out.frames.push_back(run.current());
    while (!run.done()) out.frames.push_back(run.step());
    out.x = run.current().x;
    return out;
}

} // namespace dfs::test
