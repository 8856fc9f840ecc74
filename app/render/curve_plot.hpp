// Curves on a PlotFrame for the perspective views: a polyline through (x, y) with y on a log10
// axis, a shaded band, and a legend box of coloured entries.
#pragma once

#include "app/render/plot_frame.hpp"

#include <QColor>
#include <QPainter>
#include <QString>
#include <vector>

namespace dfs::render {

/// A polyline through (xs[i], log10 ys[i]) where ys[i] > 0 (gaps elsewhere).
void drawLogCurve(QPainter& p, const PlotFrame& frame, const std::vector<double>& xs,
                  const std::vector<double>& ys, const QPen& pen);
/// The band between log10(ys - err) and log10(ys + err) (the lower edge clamped to `floor`).
void drawLogBand(QPainter& p, const PlotFrame& frame, const std::vector<double>& xs,
                 const std::vector<double>& ys, const std::vector<double>& err, double floor,
                 const QColor& fill);

struct LegendEntry {
    QString text;
    QPen pen;         ///< a line sample in this pen
    bool dot = false; ///< a dot instead of a line
};
enum class Corner { TopRight, TopLeft, BottomLeft, BottomRight };
/// A legend box in a corner of the frame's plot.
void drawLegend(QPainter& p, const PlotFrame& frame, const std::vector<LegendEntry>& entries,
                double fontPx, Corner corner = Corner::TopRight);

/// log10 of the smallest and largest positive values of the lists, padded by `pad` decades;
/// {-1, 1} when none is positive.
std::pair<double, double> logRange(const std::vector<const std::vector<double>*>& lists,
                                   double pad);

} // namespace dfs::render
