// Arrow grids, single arrows and legends (arrows.hpp).
#include "app/render/arrows.hpp"

#include <QFontMetricsF>
#include <algorithm>
#include <cmath>

namespace dfs::render {

double arrowScale(const std::vector<float>& vec, double cellPx) {
    const std::size_t n = vec.size() / 2;
    if (n == 0) return 0;
    std::vector<double> len(n);
    for (std::size_t i = 0; i < n; ++i) len[i] = std::hypot(vec[2 * i], vec[2 * i + 1]);
    const std::size_t q = std::min(n - 1, std::size_t(0.95 * double(n)));
    std::nth_element(len.begin(), len.begin() + std::ptrdiff_t(q), len.end());
    const double ref = len[q];
    return ref > 0 ? 0.9 * cellPx / ref : 0.0;
}

void drawArrowGrid(QPainter& p, const PlotFrame& frame, const std::vector<float>& pos,
                   const std::vector<float>& vec, double scale, double cellPx, const QPen& pen) {
    const std::size_t n = std::min(pos.size(), vec.size()) / 2;
    std::vector<QLineF> lines;
    lines.reserve(3 * n);
    for (std::size_t i = 0; i < n; ++i) {
        const double len = std::hypot(vec[2 * i], vec[2 * i + 1]);
        const QPointF a = frame.map(pos[2 * i], pos[2 * i + 1]);
        const double lp = std::min(len * scale, 1.6 * cellPx);
        if (lp < 0.5 || !std::isfinite(lp)) continue;
        const double ux = vec[2 * i] / len, uy = -vec[2 * i + 1] / len;
        const QPointF b(a.x() + ux * lp, a.y() + uy * lp);
        lines.emplace_back(a, b);
        const double h = std::min(0.35 * lp, 0.3 * cellPx);
        lines.emplace_back(
            b, QPointF(b.x() - h * (ux * 0.87 - uy * 0.5), b.y() - h * (uy * 0.87 + ux * 0.5)));
        lines.emplace_back(
            b, QPointF(b.x() - h * (ux * 0.87 + uy * 0.5), b.y() - h * (uy * 0.87 - ux * 0.5)));
    }
    p.save();
    p.setClipRect(frame.plotRect());
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(pen);
    p.drawLines(lines.data(), int(lines.size()));
    p.restore();
}

void drawArrow(QPainter& p, const QPointF& a, const QPointF& b, const QPen& pen, double headPx) {
    const double len = std::hypot(b.x() - a.x(), b.y() - a.y());
    if (!(len > 0.5)) return;
    const double ux = (b.x() - a.x()) / len, uy = (b.y() - a.y()) / len;
    const double h = std::min(headPx, 0.5 * len);
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(pen);
    p.drawLine(a, b);
    p.drawLine(b, QPointF(b.x() - h * (ux * 0.87 - uy * 0.5), b.y() - h * (uy * 0.87 + ux * 0.5)));
    p.drawLine(b, QPointF(b.x() - h * (ux * 0.87 + uy * 0.5), b.y() - h * (uy * 0.87 - ux * 0.5)));
    p.restore();
}

void drawLegend(QPainter& p, const QRectF& plot, const std::vector<LegendItem>& items,
                double fontPx) {
    if (items.empty()) return;
    p.save();
    QFont f = p.font();
    f.setPixelSize(std::max(1, int(fontPx * 0.85)));
    p.setFont(f);
    const QFontMetricsF fm(f);
    const double row = 1.25 * fm.height(), sample = 2.2 * fontPx, pad = 0.35 * fontPx;
    double w = 0;
    for (const LegendItem& it : items) w = std::max(w, fm.horizontalAdvance(it.text));
    const QRectF box(plot.left() + pad, plot.top() + pad,
                     std::min(plot.width() - 2 * pad, sample + w + 3 * pad),
                     row * double(items.size()) + pad);
    p.fillRect(box, QColor(255, 255, 255, 215));
    double y = box.top() + 0.5 * pad;
    for (const LegendItem& it : items) {
        const double mid = y + 0.5 * row;
        const QPointF a(box.left() + pad, mid), b(box.left() + pad + sample, mid);
        const QPen pen(it.color, it.width, it.style, Qt::FlatCap);
        if (it.color.alpha() > 0 && it.color.lightness() > 200) // a light sample on a dark swatch
            p.fillRect(QRectF(a.x() - 0.2 * pad, y + 0.1 * row, sample + 0.4 * pad, 0.8 * row),
                       QColor(60, 60, 70));
        if (it.arrow)
            drawArrow(p, a, b, pen, 0.45 * fontPx);
        else {
            p.setPen(pen);
            p.drawLine(a, b);
        }
        p.setPen(QColor(30, 30, 30));
        p.drawText(QRectF(b.x() + pad, y, box.right() - b.x() - pad, row),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(it.text, Qt::ElideRight, box.right() - b.x() - 2 * pad));
        y += row;
    }
    p.restore();
}

} // namespace dfs::render
