// The list of registered renderers and the dispatch from a view snapshot to its renderer.
#include "app/render/view_renderers.hpp"

#include <stdexcept>

namespace dfs::render {

// One line per view: X(NAME) names `ViewRenderer renderers::NAME()`, defined in the renderer's
// file. The same names as the core's view registry (a test checks the two lists match).
#define DFS_RENDERERS(X)                                                                           \
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

namespace renderers {
#define DFS_DECLARE_RENDERER(name) ViewRenderer name();
DFS_RENDERERS(DFS_DECLARE_RENDERER)
#undef DFS_DECLARE_RENDERER
} // namespace renderers

const std::vector<ViewRenderer>& viewRenderers() {
#define DFS_RENDERER_ENTRY(name) renderers::name(),
    static const std::vector<ViewRenderer> all{DFS_RENDERERS(DFS_RENDERER_ENTRY)};
#undef DFS_RENDERER_ENTRY
    return all;
}

const ViewRenderer& findRenderer(const std::string& view) {
    for (const ViewRenderer& r : viewRenderers())
        if (r.view == view) return r;
    throw std::logic_error("no renderer is registered for the view '" + view + "'");
}

PlotFrame renderView(QPainter& p, const QRectF& area, const ViewSnapshot& v,
                     const ViewStyle& style) {
    p.fillRect(area, Qt::white);
    return findRenderer(v.view()).paint(p, area, v, style);
}

} // namespace dfs::render
