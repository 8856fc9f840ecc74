// The renderers of the views (four for 2-D points, image grids and the spectrum for images), and
// the registry that finds a snapshot's renderer by its view's name. Each paints one immutable
// view snapshot into a rectangle of any QPainter (a widget, a QImage for PNG/GIF/MP4 frames, an
// SVG generator), so an exported frame is the frame on screen.
//
// Registering a renderer: a function `ViewRenderer NAME()` in namespace dfs::render::renderers
// (returning rendererFor("NAME", yourPaintFunction)) in the renderer's file, and one line X(NAME)
// in DFS_RENDERERS in view_renderer_registry.cpp.
#pragma once

#include "app/render/plot_frame.hpp"
#include "core/scene/view_data.hpp"
#include "core/scene/view_snapshot.hpp"

#include <QPainter>
#include <QRectF>
#include <QString>
#include <functional>
#include <string>
#include <typeindex>
#include <vector>

namespace dfs::render {

struct ViewStyle {
    double fontPx = 12;
    QString caption; ///< settings line drawn under the plot (exports); empty: none
};

// Each returns the frame of its main plot, so that a widget can map the mouse to data space.
PlotFrame renderChain(QPainter& p, const QRectF& area, const ChainView& v, const ViewStyle& style);
PlotFrame renderField(QPainter& p, const QRectF& area, const FieldView& v, const ViewStyle& style);
PlotFrame renderTrajectories(QPainter& p, const QRectF& area, const TrajectoryView& v,
                             const ViewStyle& style);
PlotFrame renderDensity(QPainter& p, const QRectF& area, const DensityView& v,
                        const ViewStyle& style);

PlotFrame renderImageGrid(QPainter& p, const QRectF& area, const ImageGridView& v,
                          const ViewStyle& style);
PlotFrame renderSpectrum(QPainter& p, const QRectF& area, const SpectrumView& v,
                         const ViewStyle& style);

/// The renderer of one view: the data type it paints and how.
struct ViewRenderer {
    std::string view; ///< the registered view's name (core/scene/view_registry.hpp)
    std::type_index data = typeid(void);
    std::function<PlotFrame(QPainter&, const QRectF&, const ViewSnapshot&, const ViewStyle&)> paint;
};

/// A renderer entry for the view `view` that paints its data of type T with `paint`.
template <typename T>
ViewRenderer rendererFor(std::string view,
                         PlotFrame (*paint)(QPainter&, const QRectF&, const T&, const ViewStyle&)) {
    return {std::move(view), typeid(T),
            [paint](QPainter& p, const QRectF& area, const ViewSnapshot& v, const ViewStyle& s) {
                return paint(p, area, v.as<T>(), s);
            }};
}

/// Every registered renderer, in the views' menu order.
const std::vector<ViewRenderer>& viewRenderers();
/// The renderer of the view `view`; std::logic_error when none is registered (a view registered
/// in the core without its renderer: a programming error the registry test catches).
const ViewRenderer& findRenderer(const std::string& view);

/// Paints any view: a white background, then the view's renderer (std::logic_error for a
/// snapshot whose view has no renderer or whose data the renderer does not take).
PlotFrame renderView(QPainter& p, const QRectF& area, const ViewSnapshot& v,
                     const ViewStyle& style);

} // namespace dfs::render
