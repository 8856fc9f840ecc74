// A plot's coordinate frame inside a pane: maps data coordinates to pixels and draws the axes
// (nice ticks, labels), a title, and colour bars. Every view draws through one.
#pragma once

#include "app/render/colormap.hpp"

#include <QPainter>
#include <QRectF>
#include <QString>

namespace dfs::render {

/// Tick positions covering [lo, hi] with a 1-2-5 step, about `target` of them.
std::vector<double> niceTicks(double lo, double hi, int target = 5);

class PlotFrame {
public:
    /// A data window [x0, x1] x [y0, y1] placed in `area` (pixels), leaving room for the tick
    /// labels at the left and bottom; with `equalAspect` one data unit is as long on both axes.
    PlotFrame(const QRectF& area, double x0, double x1, double y0, double y1, double fontPx,
              bool equalAspect = true);
    /// Axes whose coordinates are log10 of the values: ticks at decades, labelled with values.
    void setLogAxes(bool x, bool y) { m_logX = x, m_logY = y; }
    /// Axis titles drawn under the x axis and along the y axis ("" for none).
    void setAxisTitles(const QString& x, const QString& y) { m_titleX = x, m_titleY = y; }

    const QRectF& plotRect() const { return m_plot; }
    QPointF map(double x, double y) const {
        return {m_plot.left() + (x - m_x0) * m_sx, m_plot.bottom() - (y - m_y0) * m_sy};
    }
    /// Pixels per data unit.
    double scale() const { return m_sx; }
    /// Data coordinates of a pixel.
    QPointF unmap(const QPointF& p) const;

    /// The frame, ticks and tick labels.
    void drawAxes(QPainter& p) const;
    /// A heat-map image stretched over the data window [gx0, gx1] x [gy0, gy1]; smoothed, or
    /// with crisp cells.
    void drawImage(QPainter& p, const QImage& img, double gx0, double gx1, double gy0, double gy1,
                   bool smooth = true) const;

private:
    QRectF m_plot;
    double m_x0, m_x1, m_y0, m_y1, m_sx, m_sy, m_font;
    bool m_logX = false, m_logY = false;
    QString m_titleX, m_titleY;
};

/// A vertical colour bar at the left of `area`, as tall as `area`, with a handful of ticks and
/// its label along the right edge. Place it with barBeside so that it is the plot's height.
void drawColorBar(QPainter& p, const QRectF& area, Colormap map, double lo, double hi,
                  const QString& label, double fontPx);

/// Where a colour bar for `plot` goes: right beside the plot (a small gap, never right of
/// `column`'s left edge), as tall as the plot, `column`'s width (a PaneLayout's bar column).
QRectF barBeside(const QRectF& plot, const QRectF& column, double fontPx);

/// Pane title (left) and a right-aligned detail line, in a band at the top of `area`; returns
/// the area left below. A title wider than the pane is elided; the detail gets the room left.
QRectF drawTitle(QPainter& p, const QRectF& area, const QString& title, const QString& detail,
                 double fontPx);

/// "1 cycle", "2.5 cycles": a count with its noun, singular only for exactly 1 as shown.
QString countOf(double v, const QString& singular, const QString& plural);

/// Number formatting shared by ticks and captions: 3 significant digits, no trailing zeros.
QString shortNumber(double v);

} // namespace dfs::render
