// A vector field at time t: arrows over a heat map of log p_t (or of the field's magnitude),
// and, for a learned model, its error against the exact or ideal field beside it.
#include "app/render/pane_layout.hpp"
#include "app/render/view_renderers.hpp"

#include <algorithm>
#include <cmath>

namespace dfs::render {

namespace {

/// Arrows scaled so that the 95th-percentile length fills 90% of a grid cell.
void drawArrows(QPainter& p, const PlotFrame& frame, const FieldView& v) {
    const std::size_t n = v.vec.size() / 2;
    if (n == 0) return;
    std::vector<double> len(n);
    for (std::size_t i = 0; i < n; ++i) len[i] = std::hypot(v.vec[2 * i], v.vec[2 * i + 1]);
    std::vector<double> sorted = len;
    const std::size_t q = std::min(n - 1, std::size_t(0.95 * double(n)));
    std::nth_element(sorted.begin(), sorted.begin() + std::ptrdiff_t(q), sorted.end());
    const double ref = sorted[q];
    const double cellPx = frame.plotRect().width() / std::sqrt(double(n));
    const double scale = ref > 0 ? 0.9 * cellPx / ref : 0.0;
    std::vector<QLineF> lines;
    lines.reserve(3 * n);
    for (std::size_t i = 0; i < n; ++i) {
        const QPointF a = frame.map(v.pos[2 * i], v.pos[2 * i + 1]);
        const double lp = std::min(len[i] * scale, 1.6 * cellPx);
        if (lp < 0.5 || !std::isfinite(lp)) continue;
        const double ux = v.vec[2 * i] / len[i], uy = -v.vec[2 * i + 1] / len[i];
        const QPointF b(a.x() + ux * lp, a.y() + uy * lp);
        lines.emplace_back(a, b);
        const double h = std::min(0.35 * lp, 0.3 * cellPx);
        lines.emplace_back(b, QPointF(b.x() - h * (ux * 0.87 - uy * 0.5), b.y() - h * (uy * 0.87 + ux * 0.5)));
        lines.emplace_back(b, QPointF(b.x() - h * (ux * 0.87 + uy * 0.5), b.y() - h * (uy * 0.87 - ux * 0.5)));
    }
    p.save();
    p.setClipRect(frame.plotRect());
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(QColor(255, 255, 255, 230), 1.2));
    p.drawLines(lines.data(), int(lines.size()));
    p.restore();
}

} // namespace

PlotFrame renderField(QPainter& p, const QRectF& area, const FieldView& v, const ViewStyle& style) {
    const double fp = style.fontPx;
    const QString title = QString("Field: %1").arg(QString::fromStdString(v.quantity));
    const PaneLayout l = layoutPane(p, area, title, timeDetail(v.time), style.caption, true, fp);
    const double e = v.box.extent;
    const bool withError = !v.error.empty();
    const QRectF left = withError ? QRectF(l.body.left(), l.body.top(), l.body.width() / 2,
                                           l.body.height())
                                  : l.body;
    const PlotFrame frame(left, -e, e, -e, e, fp);
    const auto [lo, hi] = valueRange(v.heat);
    drawGrid(p, frame, v.heat, Colormap::Viridis, lo, hi);
    drawArrows(p, frame, v);
    frame.drawAxes(p);
    drawColorBar(p, l.bar, Colormap::Viridis, lo, hi, QString::fromStdString(v.heat.label), fp);
    if (withError) {
        const QRectF right(left.right(), l.body.top(), l.body.width() / 2, l.body.height());
        const PlotFrame ef(right, -e, e, -e, e, fp);
        const auto [elo, ehi] = valueRange(v.error);
        drawGrid(p, ef, v.error, Colormap::Magma, 0.0, ehi);
        ef.drawAxes(p);
        p.setPen(QColor(255, 255, 255));
        QFont f = p.font();
        f.setPixelSize(std::max(1, int(fp)));
        p.setFont(f);
        p.drawText(ef.plotRect().adjusted(0.4 * fp, 0.2 * fp, 0, 0), Qt::AlignLeft | Qt::AlignTop,
                   QString("error vs %1 (magma, 0 to %2)")
                       .arg(QString::fromStdString(v.reference), shortNumber(ehi)));
        (void)elo;
    }
    drawCaption(p, l.caption, style.caption, fp);
    return frame;
}

} // namespace dfs::render
