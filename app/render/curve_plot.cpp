// Log-axis curves, bands and legends.
#include "app/render/curve_plot.hpp"

#include <QFontMetricsF>
#include <QPainterPath>
#include <QPolygonF>
#include <algorithm>
#include <cmath>

namespace dfs::render {

void drawLogCurve(QPainter& p, const PlotFrame& frame, const std::vector<double>& xs,
                  const std::vector<double>& ys, const QPen& pen) {
    QPainterPath path;
    bool started = false;
    for (std::size_t i = 0; i < xs.size() && i < ys.size(); ++i) {
        if (!(ys[i] > 0) || !std::isfinite(ys[i])) {
            started = false;
            continue;
        }
        const QPointF q = frame.map(xs[i], std::log10(ys[i]));
        started ? path.lineTo(q) : path.moveTo(q);
        started = true;
    }
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setClipRect(frame.plotRect());
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    p.drawPath(path);
    p.restore();
}

void drawLogBand(QPainter& p, const PlotFrame& frame, const std::vector<double>& xs,
                 const std::vector<double>& ys, const std::vector<double>& err, double floor,
                 const QColor& fill) {
    QPolygonF poly;
    const std::size_t n = std::min({xs.size(), ys.size(), err.size()});
    for (std::size_t i = 0; i < n; ++i)
        poly << frame.map(xs[i], std::log10(std::max(ys[i] + err[i], floor)));
    for (std::size_t i = n; i-- > 0;)
        poly << frame.map(xs[i], std::log10(std::max(ys[i] - err[i], floor)));
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setClipRect(frame.plotRect());
    p.setPen(Qt::NoPen);
    p.setBrush(fill);
    p.drawPolygon(poly);
    p.restore();
}

void drawLegend(QPainter& p, const PlotFrame& frame, const std::vector<LegendEntry>& entries,
                double fontPx, Corner corner) {
    if (entries.empty()) return;
    p.save();
    QFont f = p.font();
    f.setPixelSize(std::max(1, int(fontPx * 0.9)));
    p.setFont(f);
    const QFontMetricsF fm(f);
    const double sample = 1.8 * fontPx, gap = 0.4 * fontPx, line = fm.height();
    double w = 0;
    for (const LegendEntry& e : entries) w = std::max(w, fm.horizontalAdvance(e.text));
    w = std::min(w + sample + 3 * gap, frame.plotRect().width() - 2 * gap);
    const double h = line * double(entries.size()) + 2 * gap;
    const QRectF plot = frame.plotRect();
    const bool left = corner == Corner::TopLeft || corner == Corner::BottomLeft;
    const bool top = corner == Corner::TopLeft || corner == Corner::TopRight;
    const QRectF box(left ? plot.left() + gap : plot.right() - w - gap,
                     top ? plot.top() + gap : plot.bottom() - h - gap, w, h);
    p.setPen(QPen(QColor(180, 180, 180), 1));
    p.setBrush(QColor(255, 255, 255, 225));
    p.drawRect(box);
    double y = box.top() + gap;
    for (const LegendEntry& e : entries) {
        const double cy = y + line / 2;
        p.setRenderHint(QPainter::Antialiasing, true);
        if (e.dot) {
            p.setPen(Qt::NoPen);
            p.setBrush(e.pen.color());
            p.drawEllipse(QPointF(box.left() + gap + sample / 2, cy), 0.3 * fontPx, 0.3 * fontPx);
        } else {
            p.setPen(e.pen);
            p.drawLine(QPointF(box.left() + gap, cy), QPointF(box.left() + gap + sample, cy));
        }
        p.setPen(QColor(40, 40, 40));
        const QRectF text(box.left() + 2 * gap + sample, y, box.width() - 3 * gap - sample, line);
        p.drawText(text, Qt::AlignVCenter | Qt::AlignLeft,
                   fm.elidedText(e.text, Qt::ElideRight, text.width()));
        y += line;
    }
    p.restore();
}

std::pair<double, double> logRange(const std::vector<const std::vector<double>*>& lists,
                                   double pad) {
    double lo = INFINITY, hi = -INFINITY;
    for (const auto* list : lists)
        for (double v : *list)
            if (v > 0 && std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    if (!(lo <= hi)) return {-1, 1};
    double a = std::log10(lo) - pad, b = std::log10(hi) + pad;
    if (b - a < 0.5) a -= 0.25, b += 0.25;
    return {a, b};
}

} // namespace dfs::render
