// Unrolling the engine's run for one particle (see run_unroll.hpp).
#include "core/scene/views/run_unroll.hpp"

#include "core/errors.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/scene/scene_engine.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace dfs::views {

UnrolledJacobian unrollParticle(const SceneEngine& e, long particle) {
    const auto start = e.frame(0);
    if (e.isImage()) throw UsageError("the recurrent-network views show 2-D points");
    if (particle < 0 || particle >= start->x.rows())
        throw UsageError(
            fmt::format("particle {} is out of range (the run has {})", particle, start->x.rows()));
    return unrollJacobians(e.schedule(), e.runConfig(), e.denoiser(),
                           start->x.row(particle).transpose(), std::uint32_t(particle));
}

long highlightedParticle(const SceneEngine& e) {
    const long n = long(e.frame(0)->x.rows());
    return std::clamp(e.scene().view.highlight, 0L, std::max(0L, n - 1));
}

} // namespace dfs::views
