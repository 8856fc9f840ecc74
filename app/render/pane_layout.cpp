// Pane layout and point clouds.
#include "app/render/pane_layout.hpp"

#include <QFontMetricsF>
#include <algorithm>
#include <cmath>

namespace dfs::render {

PaneLayout layoutPane(QPainter& p, const QRectF& area, const QString& title, const QString& detail,
                      const QString& caption, bool withBar, double fontPx) {
    PaneLayout l;
    QRectF rest = drawTitle(p, area, title, detail, fontPx);
    if (!caption.isEmpty()) {
        const double h = 1.6 * fontPx;
        l.caption = QRectF(rest.left(), rest.bottom() - h, rest.width(), h);
        rest.setBottom(rest.bottom() - h);
    }
    if (withBar) {
        const double w = std::min(6.5 * fontPx, 0.25 * rest.width());
        l.bar = QRectF(rest.right() - w, rest.top(), w, rest.height());
        rest.setRight(rest.right() - w);
    }
    l.body = rest;
    return l;
}

void drawCaption(QPainter& p, const QRectF& band, const QString& caption, double fontPx) {
    if (band.isEmpty() || caption.isEmpty()) return;
    p.save();
    QFont f = p.font();
    f.setPixelSize(std::max(1, int(fontPx * 0.95)));
    f.setItalic(true);
    p.setFont(f);
    p.setPen(QColor(70, 70, 70));
    const QFontMetricsF fm(f);
    p.drawText(band.adjusted(0.5 * fontPx, 0, -0.5 * fontPx, 0), Qt::AlignVCenter | Qt::AlignLeft,
               fm.elidedText(caption, Qt::ElideRight, band.width() - fontPx));
    p.restore();
}

void drawScatter(QPainter& p, const PlotFrame& frame, const std::vector<float>& xy,
                 const QColor& color, double sizePx) {
    const QRectF clip = frame.plotRect();
    std::vector<QPointF> pts;
    pts.reserve(xy.size() / 2);
    for (std::size_t i = 0; i + 1 < xy.size(); i += 2) {
        const QPointF q = frame.map(xy[i], xy[i + 1]);
        if (clip.contains(q)) pts.push_back(q);
    }
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    QPen pen(color, sizePx, Qt::SolidLine, Qt::SquareCap);
    p.setPen(pen);
    p.drawPoints(pts.data(), int(pts.size()));
    p.restore();
}

void drawGrid(QPainter& p, const PlotFrame& frame, const ScalarGrid& grid, Colormap map, double lo,
              double hi) {
    if (grid.empty()) return;
    frame.drawImage(p, gridImage(grid, map, lo, hi), grid.x0, grid.x1, grid.y0, grid.y1);
}

QString timeDetail(const TimeInfo& t) {
    return QString("t %1   \u03c3 %2   logSNR %3")
        .arg(shortNumber(t.t), shortNumber(t.sigma), shortNumber(t.logSnr));
}

} // namespace dfs::render
