// The caption of a scene.
#include "core/scene/view_snapshot.hpp"

#include <fmt/format.h>

namespace dfs {

std::string sceneCaption(const Scene& s) {
    const std::string data = s.data.points ? "edited points" : s.data.dataset;
    std::string model = s.model.denoiser;
    if (s.model.label >= 0) model += fmt::format(" class {}", s.model.label);
    if (s.model.guidance != 1.0) model += fmt::format(" guidance {:g}", s.model.guidance);
    return fmt::format("{} (n = {}), {}, {} {} steps, {} particles, denoiser {}", data,
                       s.data.points ? long(s.data.points->rows()) : s.data.n, s.model.schedule,
                       s.sampler.sampler, s.sampler.steps, s.sampler.particles, model);
}

} // namespace dfs
