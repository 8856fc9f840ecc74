// Scene validation.
#include "core/scene/scene.hpp"

#include "core/errors.hpp"
#include "core/scene/view_registry.hpp"

#include <cmath>
#include <fmt/format.h>

namespace dfs {

namespace {

void require(bool ok, const char* key, const std::string& what) {
    if (!ok) throw UsageError(fmt::format("{} {}", key, what));
}

void finite(double v, const char* key) {
    require(std::isfinite(v), key, "must be finite");
}

} // namespace

void validateScene(const Scene& s) {
    require(!s.data.dataset.empty() || s.data.points, "data.dataset", "is empty");
    require(s.data.n >= 1 && s.data.n <= 10'000'000, "data.n", "must be in [1, 10000000]");
    finite(s.data.noise, "data.noise");
    require(s.data.resolution == 0 || s.data.resolution == 8 || s.data.resolution == 16 ||
                s.data.resolution == 28,
            "data.resolution", "must be 8, 16 or 28 (0: 28)");
    if (s.data.points) {
        require(s.data.points->rows() >= 1 && s.data.points->cols() >= 1, "data.points",
                "must hold at least one point");
        require(s.data.points->allFinite(), "data.points", "must be finite numbers");
        require(s.data.labels.empty() || Index(s.data.labels.size()) == s.data.points->rows(),
                "data.labels", "must have one label per point");
    }
    for (int l : s.data.labels) require(l >= 0, "data.labels", "must be >= 0");
    require(!s.model.denoiser.empty(), "model.denoiser", "is empty");
    require(s.model.label >= -1, "model.label", "must be >= -1 (-1: unconditional)");
    finite(s.model.guidance, "model.guidance");
    require(s.model.guidance >= 0, "model.guidance", "must be >= 0");
    require(!std::isnan(s.model.sigmaSplit) && s.model.sigmaSplit >= 0, "model.sigmaSplit",
            "must be >= 0 (0: the upper network everywhere, inf: the lower one)");
    require(s.sampler.steps >= 1 && s.sampler.steps <= 100000, "sampler.steps",
            "must be in [1, 100000]");
    finite(s.sampler.rho, "sampler.rho");
    require(s.sampler.rho > 0, "sampler.rho", "must be > 0");
    require(s.sampler.particles >= 1 && s.sampler.particles <= kMaxSceneParticles,
            "sampler.particles", fmt::format("must be in [1, {}]", kMaxSceneParticles));
    validateOptions(s.sampler.options);
    finite(s.view.t, "view.t");
    require(s.view.t >= 0 && s.view.t <= 1, "view.t", "must be in [0, 1]");
    require(s.view.frame >= -1, "view.frame", "must be >= -1 (-1: the last)");
    finite(s.view.extent, "view.extent");
    require(s.view.extent > 0 && s.view.extent <= 1e4, "view.extent", "must be in (0, 10000]");
    require(s.view.fieldGrid >= 2 && s.view.fieldGrid <= 256, "view.fieldGrid",
            "must be in [2, 256]");
    require(s.view.highlight >= 0, "view.highlight", "must be >= 0");
    if (s.view.target)
        require(std::isfinite((*s.view.target)[0]) && std::isfinite((*s.view.target)[1]),
                "view.target", "must be two finite numbers [x, y]");
    require(s.view.paths >= 0 && s.view.paths <= kMaxScenePaths, "view.paths",
            fmt::format("must be in [0, {}]", kMaxScenePaths));
    finite(s.view.pathOpacity, "view.pathOpacity");
    require(s.view.pathOpacity > 0 && s.view.pathOpacity <= 1, "view.pathOpacity",
            "must be in (0, 1]");
    require(s.view.particleColour == "time" || s.view.particleColour == "log-likelihood",
            "view.particleColour", "must be \"time\" or \"log-likelihood\"");
    for (const std::string& pane : s.view.panes) {
        try {
            findView(pane);
        } catch (const UsageError& e) {
            require(false, "view.panes:", e.what());
        }
    }
}

} // namespace dfs
