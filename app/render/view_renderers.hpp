// The renderers of the views (four for 2-D points, image grids and the spectrum for images). Each paints one immutable view snapshot into a rectangle
// of any QPainter (a widget, a QImage for PNG/GIF/MP4 frames, an SVG generator), so an exported
// frame is the frame on screen.
#pragma once

#include "app/render/plot_frame.hpp"
#include "core/scene/view_snapshot.hpp"

#include <QPainter>
#include <QRectF>
#include <QString>

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

/// Paints any view: a white background, then the view's renderer.
PlotFrame renderView(QPainter& p, const QRectF& area, const ViewSnapshot& v,
                     const ViewStyle& style);

} // namespace dfs::render
