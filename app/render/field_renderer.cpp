// A vector field at time t: arrows over a heat map of log p_t (or of the field's magnitude),
// and, for a learned model, its error against the exact or ideal field beside it.
#include "app/render/arrows.hpp"
#include "app/render/pane_layout.hpp"
#include "app/render/view_renderers.hpp"

#include <QFontMetricsF>
#include <algorithm>
#include <cmath>

namespace dfs::render {

namespace {

/// Arrows scaled so that the 95th-percentile length fills 90% of a grid cell.
void drawArrows(QPainter& p, const PlotFrame& frame, const FieldView& v) {
    const std::size_t n = v.vec.size() / 2;
    if (n == 0) return;
    const double cellPx = frame.plotRect().width() / std::sqrt(double(n));
    drawArrowGrid(p, frame, v.pos, v.vec, arrowScale(v.vec, cellPx), cellPx,
                  QPen(QColor(255, 255, 255, 230), 1.2));
}

/// The field's direction at (x, y), bilinear between the grid's cell centres; false outside.
bool directionAt(const FieldView& v, double x, double y, double& dx, double& dy) {
    const int n = v.n;
    const double e = v.box.extent, cell = 2 * e / n;
    const double fx = (x + e) / cell - 0.5, fy = (y + e) / cell - 0.5;
    if (!(fx >= 0 && fy >= 0 && fx <= n - 1 && fy <= n - 1)) return false;
    const int c = std::min(int(fx), n - 2), r = std::min(int(fy), n - 2);
    const double u = fx - c, w = fy - r;
    auto at = [&](int rr, int cc, int k) {
        return double(v.vec[std::size_t(2 * (rr * n + cc) + k)]);
    };
    double d[2];
    for (int k = 0; k < 2; ++k)
        d[k] = (1 - w) * ((1 - u) * at(r, c, k) + u * at(r, c + 1, k)) +
               w * ((1 - u) * at(r + 1, c, k) + u * at(r + 1, c + 1, k));
    const double len = std::hypot(d[0], d[1]);
    if (!(len > 0)) return false;
    dx = d[0] / len, dy = d[1] / len;
    return true;
}

/// Streamlines from every other cell centre, traced along the field's direction (midpoint rule,
/// half-cell steps) for up to six cells, each with a small head at its end.
void drawStreamlines(QPainter& p, const PlotFrame& frame, const FieldView& v) {
    if (v.n < 2) return;
    const double cell = 2 * v.box.extent / v.n, h = 0.5 * cell;
    std::vector<QPolygonF> lines;
    std::vector<QLineF> heads;
    for (int r = 0; r < v.n; r += 2)
        for (int c = 0; c < v.n; c += 2) {
            const std::size_t i = std::size_t(r * v.n + c);
            double x = v.pos[2 * i], y = v.pos[2 * i + 1], dx = 0, dy = 0;
            QPolygonF line{frame.map(x, y)};
            for (int k = 0; k < 12; ++k) {
                double mx = 0, my = 0;
                if (!directionAt(v, x, y, dx, dy) ||
                    !directionAt(v, x + 0.5 * h * dx, y + 0.5 * h * dy, mx, my))
                    break;
                x += h * mx, y += h * my;
                dx = mx, dy = my;
                line << frame.map(x, y);
            }
            if (line.size() < 3) continue;
            const QPointF b = line.back();
            const double s = 0.3 * cell * frame.scale(), ux = dx, uy = -dy;
            heads.emplace_back(
                b, QPointF(b.x() - s * (ux * 0.87 - uy * 0.5), b.y() - s * (uy * 0.87 + ux * 0.5)));
            heads.emplace_back(
                b, QPointF(b.x() - s * (ux * 0.87 + uy * 0.5), b.y() - s * (uy * 0.87 - ux * 0.5)));
            lines.push_back(std::move(line));
        }
    p.save();
    p.setClipRect(frame.plotRect());
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(QColor(255, 255, 255, 220), 1.2));
    for (const QPolygonF& l : lines) p.drawPolyline(l);
    p.drawLines(heads.data(), int(heads.size()));
    p.restore();
}

} // namespace

PlotFrame renderField(QPainter& p, const QRectF& area, const FieldView& v, const ViewStyle& style) {
    const double fp = style.fontPx;
    const QString title = QString("Field: %1").arg(QString::fromStdString(v.quantity));
    const PaneLayout l = layoutPane(p, area, title, timeDetail(v.time), style.caption, true, fp);
    const double e = v.box.extent;
    const bool withError = !v.error.empty();
    // With a learned model: [field over log p_t][its bar][error map][its bar], each bar beside
    // its plot; the error's colours span a range fixed over t (FieldView::errorMax).
    const double half = (l.body.width() + l.bar.width()) / 2;
    const QRectF left =
        withError ? QRectF(l.body.left(), l.body.top(), half - l.bar.width(), l.body.height())
                  : l.body;
    const PlotFrame frame(left, -e, e, -e, e, fp);
    const auto [lo, hi] = valueRange(v.heat);
    drawGrid(p, frame, v.heat, Colormap::Viridis, lo, hi);
    if (v.streamlines)
        drawStreamlines(p, frame, v);
    else
        drawArrows(p, frame, v);
    frame.drawAxes(p);
    const QRectF heatColumn(left.right(), l.body.top(), l.bar.width(), l.body.height());
    drawColorBar(p, barBeside(frame.plotRect(), withError ? heatColumn : l.bar, fp),
                 Colormap::Viridis, lo, hi, QString::fromStdString(v.heat.label), fp);
    if (withError) {
        const QRectF right(heatColumn.right(), l.body.top(), half - l.bar.width(), l.body.height());
        const PlotFrame ef(right, -e, e, -e, e, fp);
        const double ehi = v.errorMax > 0 ? v.errorMax : valueRange(v.error).second;
        drawGrid(p, ef, v.error, Colormap::Magma, 0.0, ehi);
        ef.drawAxes(p);
        QFont f = p.font();
        f.setPixelSize(std::max(1, int(fp)));
        p.setFont(f);
        const QString name = QString("error vs %1").arg(QString::fromStdString(v.reference));
        // On a dark box: the map saturates to its brightest colour where the error is large.
        const QRectF box(ef.plotRect().left() + 0.2 * fp, ef.plotRect().top() + 0.2 * fp,
                         QFontMetricsF(f).horizontalAdvance(name) + 0.4 * fp, 1.4 * fp);
        p.fillRect(box, QColor(0, 0, 0, 150));
        p.setPen(QColor(255, 255, 255));
        p.drawText(box, Qt::AlignCenter, name);
        drawColorBar(p, barBeside(ef.plotRect(), l.bar, fp), Colormap::Magma, 0.0, ehi,
                     QString("|error|, fixed over t"), fp);
    }
    drawCaption(p, l.caption, style.caption, fp);
    return frame;
}

namespace renderers {
ViewRenderer field() {
    return rendererFor("field", renderField);
}
} // namespace renderers

} // namespace dfs::render
