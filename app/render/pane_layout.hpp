// Shared pieces of the view renderers: splitting a pane into title, plots, colour bar and
// caption, and drawing point clouds fast.
#pragma once

#include "app/render/plot_frame.hpp"
#include "core/scene/view_data.hpp"

#include <QColor>
#include <QPainter>
#include <QRectF>
#include <vector>

namespace dfs::render {

struct PaneLayout {
    QRectF body;    ///< where the plots go
    QRectF bar;     ///< colour bar column (empty if none)
    QRectF caption; ///< caption line (empty if none)
};

/// Title band at the top, an optional caption line at the bottom, a colour bar column at the
/// right when `withBar`.
PaneLayout layoutPane(QPainter& p, const QRectF& area, const QString& title, const QString& detail,
                      const QString& caption, bool withBar, double fontPx);

/// The caption in its band (no-op when the band is empty).
void drawCaption(QPainter& p, const QRectF& band, const QString& caption, double fontPx);

/// Square dots of `sizePx` pixels at the (x, y) pairs, clipped to the plot.
void drawScatter(QPainter& p, const PlotFrame& frame, const std::vector<float>& xy,
                 const QColor& color, double sizePx);

/// A heat map on the frame with the grid's own bounds.
void drawGrid(QPainter& p, const PlotFrame& frame, const ScalarGrid& grid, Colormap map, double lo,
              double hi);

/// "t 0.5   σ 0.71   logSNR 0" for titles.
QString timeDetail(const TimeInfo& t);

} // namespace dfs::render
