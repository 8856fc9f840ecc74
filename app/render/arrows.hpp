// Arrows and legends shared by the vector-field views (field, score, sde-fan): a grid of arrows
// scaled to its cells, a single arrow between two points, and a boxed legend of coloured lines.
#pragma once

#include "app/render/plot_frame.hpp"

#include <QColor>
#include <QPainter>
#include <QPen>
#include <QString>
#include <vector>

namespace dfs::render {

/// Pixels per data unit that make the 95th-percentile length of the vectors (x, y pairs) 90% of
/// a cell of `cellPx` pixels (0 when every vector is zero).
double arrowScale(const std::vector<float>& vec, double cellPx);

/// One arrow per (pos, vec) pair, vec scaled by `scale` pixels per data unit and capped at 1.6
/// cells, with a head; clipped to the plot.
void drawArrowGrid(QPainter& p, const PlotFrame& frame, const std::vector<float>& pos,
                   const std::vector<float>& vec, double scale, double cellPx, const QPen& pen);

/// A single arrow from a to b (pixels) with a head of `headPx`.
void drawArrow(QPainter& p, const QPointF& a, const QPointF& b, const QPen& pen, double headPx);

struct LegendItem {
    QString text;
    QColor color;
    Qt::PenStyle style = Qt::SolidLine;
    double width = 2;
    bool arrow = false; ///< drawn as an arrow instead of a line
};

/// A legend in the top-left corner of `plot`: a line sample and its text per item, on a
/// translucent white box (a light sample on a dark swatch; a transparent one is a text line).
void drawLegend(QPainter& p, const QRectF& plot, const std::vector<LegendItem>& items,
                double fontPx);

} // namespace dfs::render
