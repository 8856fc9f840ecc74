// Finding a perspective and laying out its panes on a scene.
#include "core/perspectives/perspective.hpp"

#include "core/errors.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace dfs {

const Perspective& findPerspective(const std::string& name) {
    for (const Perspective& p : perspectives())
        if (p.name == name) return p;
    throw UsageError(fmt::format("unknown perspective '{}' (choose from {})", name,
                                 fmt::join(perspectiveNames(), ", ")));
}

std::vector<std::string> perspectiveNames() {
    std::vector<std::string> names;
    for (const Perspective& p : perspectives()) names.push_back(p.name);
    return names;
}

const Perspective* perspectiveShowing(const SceneView& view, bool imageData) {
    const Perspective* found = nullptr;
    for (const Perspective& p : perspectives()) {
        if (!imageData && !p.pointsNote.empty()) continue;
        if ((imageData ? p.images : p.points).panes != view.panes) continue;
        if (found) return nullptr; // several: say none
        found = &p;
    }
    return found;
}

void applyPerspective(Scene& scene, const Perspective& p, bool imageData) {
    const PerspectiveLayout& layout = imageData ? p.images : p.points;
    scene.view.panes = layout.panes;
    if (!layout.fieldQuantity.empty()) {
        scene.view.fieldQuantity = layout.fieldQuantity;
        scene.view.streamlines = layout.streamlines;
    }
}

} // namespace dfs
