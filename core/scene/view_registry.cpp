// The list of registered views and the lookups over it.
#include "core/scene/view_registry.hpp"

#include "core/errors.hpp"
#include "core/scene/scene_engine.hpp"

#include <fmt/format.h>

namespace dfs {

// The registered views in menu order: one line per view. X(NAME) names the function
// `ViewInfo views::NAME()` that defines the view's entry (the built-in ones are in
// core/scene/views/builtin_views.cpp; a new view has a file of its own beside it).
#define DFS_VIEWS(X)                                                                               \
    X(chain)                                                                                       \
    X(field)                                                                                       \
    X(trajectories)                                                                                \
    X(density)                                                                                     \
    X(filmstrip)                                                                                   \
    X(samples)                                                                                     \
    X(spectrum)                                                                                    \
    X(posterior)                                                                                   \
    X(samplingSpectrum)                                                                            \
    X(autoencoder)                                                                                 \
    X(denoisingError)                                                                              \
    X(score)                                                                                       \
    X(sdeFan)                                                                                      \
    X(sdeMarginal)                                                                                 \
    X(flowMesh)                                                                                    \
    X(expectation)                                                                                 \
    X(elbo)                                                                                        \
    X(reverseKernel)                                                                               \
    X(rnnCells)                                                                                    \
    X(sensitivity)                                                                                 \
    X(likelihood)

namespace views {
#define DFS_DECLARE_VIEW(name) ViewInfo name();
DFS_VIEWS(DFS_DECLARE_VIEW)
#undef DFS_DECLARE_VIEW
} // namespace views

const std::vector<ViewInfo>& viewRegistry() {
#define DFS_VIEW_ENTRY(name) views::name(),
    static const std::vector<ViewInfo> all{DFS_VIEWS(DFS_VIEW_ENTRY)};
#undef DFS_VIEW_ENTRY
    return all;
}

const ViewInfo& findView(const std::string& name) {
    std::string choices;
    for (const ViewInfo& v : viewRegistry()) {
        if (v.name == name) return v;
        choices += (choices.empty() ? "" : ", ") + v.name;
    }
    throw UsageError(fmt::format("unknown view '{}' (choose from {})", name, choices));
}

std::vector<std::string> viewNames() {
    std::vector<std::string> out;
    for (const ViewInfo& v : viewRegistry()) out.push_back(v.name);
    return out;
}

std::string viewDataName(ViewData data) {
    switch (data) {
    case ViewData::Points:
        return "2-D";
    case ViewData::Images:
        return "images";
    case ViewData::Both:
        return "both";
    }
    return "?";
}

void requireViewFits(const ViewInfo& view, bool imageData) {
    if (!view.fits(imageData))
        throw UsageError(fmt::format("the {} view shows {}; this scene's data are {}", view.name,
                                     imageData ? "2-D points" : "images",
                                     imageData ? "images" : "2-D points"));
}

ViewSnapshot makeSnapshot(const SceneEngine& engine, const std::string& name, int frame, double t) {
    const ViewInfo& view = findView(name);
    requireViewFits(view, engine.isImage());
    return view.build(engine, {frame, t});
}

Table viewTable(const SceneEngine& engine, const std::string& name, int frame, double t) {
    const ViewInfo& view = findView(name);
    if (!view.table)
        throw UsageError(fmt::format("the {} view has no data table; export its picture, or the "
                                     "samples view's data",
                                     view.name));
    return view.table(engine, {frame, t});
}

} // namespace dfs
