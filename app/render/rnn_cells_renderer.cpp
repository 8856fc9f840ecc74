// The rnn-cells view: the sampler unrolled as a recurrent network (diffusion-math.md Section
// 1.6). Top: a timeline of cells around the shown frame, each with its step and times, the same
// network box D, the coefficients of x_{i+1} = a x_i + b D + c z and its NFE, joined by the
// state x_i they pass on; untied networks (one above sigma_split, one below) colour each cell's
// network box by the one it calls. Bottom: the singular values of each cell's Jacobian J_i =
// dx_{i+1}/dx_i for the highlighted particle against the step, on a log axis; above 1 the step
// expands, below it contracts. The shown frame's cell is marked in both.
#include "app/render/arrows.hpp"
#include "app/render/curve_plot.hpp"
#include "app/render/pane_layout.hpp"
#include "app/render/view_renderers.hpp"
#include "core/scene/views/rnn_cells_data.hpp"

#include <QFontMetricsF>
#include <algorithm>
#include <cmath>

namespace dfs::render {

namespace {

const QColor kMax(31, 119, 180), kMin(255, 127, 14), kShown(214, 39, 40), kNet(44, 160, 44),
    kOne(120, 120, 120), kNetBelow(148, 103, 189);

/// Whether cell i calls the network below the split (untied), else the upper or only one.
bool callsBelow(const RnnCellsView& v, int i) {
    return !v.networkBelow.empty() && std::size_t(i) < v.networkOf.size() &&
           v.networkOf[std::size_t(i)] == 1;
}

QString fixed(double v) {
    return QString::number(v, 'f', 2);
}

void drawCells(QPainter& p, const QRectF& area, const RnnCellsView& v, double fp) {
    const int n = v.cellCount;
    if (n <= 0) return;
    QFont f = p.font();
    const double small = std::max(7.0, fp * 0.8);
    f.setPixelSize(int(small));
    p.setFont(f);
    const double gap = std::max(10.0, small * 1.2);
    const double w = (area.width() - gap * (n + 1)) / n;
    const double line = small * 1.25;
    const double h = std::min(area.height() - 2 * line, line * 8.6);
    const double top = area.top() + line;
    const int steps = int(v.t.size());
    // Ellipses where cells are left out before or after.
    p.setPen(QColor(90, 90, 90));
    if (v.firstCell > 0) p.drawText(QRectF(area.left(), top, gap, h), Qt::AlignCenter, "\u2026");
    if (v.firstCell + n < steps)
        p.drawText(QRectF(area.right() - gap, top, gap, h), Qt::AlignCenter, "\u2026");
    for (int k = 0; k < n; ++k) {
        const int i = v.firstCell + k;
        const QRectF cell(area.left() + gap + k * (w + gap), top, w, h);
        const bool shown = i == v.frame;
        p.setPen(QPen(shown ? kShown : QColor(110, 110, 120), shown ? 2.4 : 1.1));
        p.setBrush(shown ? QColor(253, 240, 238) : QColor(246, 247, 250));
        p.drawRoundedRect(cell, 5, 5);
        const auto text = [&](int row, const QString& s, const QColor& c = QColor(30, 30, 30)) {
            p.setPen(c);
            const QRectF r(cell.left() + 3, cell.top() + 2 + row * line, cell.width() - 6, line);
            p.drawText(r, Qt::AlignHCenter | Qt::AlignVCenter,
                       QFontMetricsF(p.font()).elidedText(s, Qt::ElideRight, r.width()));
        };
        text(0, QString("step %1").arg(i));
        text(1, QString("t %1").arg(shortNumber(v.t[std::size_t(i)])));
        // The network: the same box in every cell (tied weights), or, untied, the upper
        // network's (green) or the lower one's (purple).
        const QRectF net(cell.left() + 4, cell.top() + 2 + 2 * line + 1, cell.width() - 8,
                         line * 1.2);
        const bool below = callsBelow(v, i);
        p.setPen(QPen(below ? kNetBelow : kNet, 1.4));
        p.setBrush(below ? QColor(239, 232, 246) : QColor(232, 245, 233));
        p.drawRect(net);
        p.setPen(below ? QColor(90, 50, 130) : QColor(20, 90, 20));
        p.drawText(net, Qt::AlignCenter,
                   QFontMetricsF(p.font()).elidedText(QString("D: %1").arg(QString::fromStdString(
                                                          below ? v.networkBelow : v.network)),
                                                      Qt::ElideRight, net.width() - 2));
        p.setBrush(Qt::NoBrush);
        text(4, QString("a %1").arg(shortNumber(v.a[std::size_t(i)])));
        text(5, QString("b %1").arg(shortNumber(v.b[std::size_t(i)])));
        text(6, QString("c %1").arg(shortNumber(v.c[std::size_t(i)])));
        text(7, QString("NFE %1").arg(v.nfe[std::size_t(i)]), QColor(90, 90, 90));
        // The state passed on from the cell before.
        if (k > 0 || v.firstCell > 0) {
            const double y = cell.top() + h / 2;
            drawArrow(p, QPointF(cell.left() - gap + 1, y), QPointF(cell.left() - 1, y),
                      QPen(QColor(60, 60, 60), 1.3), 4);
        }
        // The state x_i the cell reads, under it.
        p.setPen(QColor(60, 60, 60));
        for (int c = 0; c < 2; ++c)
            p.drawText(QRectF(cell.left(), cell.bottom() + 2 + c * line, w, line),
                       Qt::AlignHCenter | Qt::AlignTop,
                       QString("%1 %2")
                           .arg(c ? "y" : "x")
                           .arg(fixed(v.x[2 * std::size_t(i) + std::size_t(c)])));
    }
    p.setFont(QFont(p.font().family()));
}

PlotFrame renderRnnCells(QPainter& p, const QRectF& area, const RnnCellsView& v,
                         const ViewStyle& style) {
    const double fp = style.fontPx;
    QString detail = QString("%1   particle %2").arg(timeDetail(v.time)).arg(v.particle);
    if (!v.networkBelow.empty())
        detail += QString("   untied: %1 below sigma~ %2")
                      .arg(QString::fromStdString(v.networkBelow))
                      .arg(shortNumber(v.sigmaSplit));
    const PaneLayout l =
        layoutPane(p, area, QString("Sampler as an RNN: %1").arg(QString::fromStdString(v.sampler)),
                   detail, style.caption, false, fp);
    // The cells: 8.6 lines, the state's two lines under them and a margin.
    const double cellsHeight = std::max(7.0, fp * 0.8) * 1.25 * 13;
    const QRectF top(l.body.left(), l.body.top(), l.body.width(),
                     std::min(l.body.height() * 0.45, cellsHeight));
    const QRectF bottom(l.body.left(), top.bottom(), l.body.width(),
                        l.body.height() - top.height());
    QFont saved = p.font();
    drawCells(p, top, v, fp);
    p.setFont(saved);
    const int steps = int(v.t.size());
    std::vector<double> xs(v.t.size());
    for (int i = 0; i < steps; ++i) xs[std::size_t(i)] = i;
    auto [lo, hi] = logRange({&v.sigmaMax, &v.sigmaMin}, 0.15);
    lo = std::min(lo, -0.15), hi = std::max(hi, 0.15); // 1 is always on the axis
    lo = std::max(lo, hi - 12);
    PlotFrame frame(bottom, -0.5, std::max(0.5, steps - 0.5), lo, hi, fp, false);
    frame.setLogAxes(false, true);
    frame.setAxisTitles("step i (cell from frame i to i+1)", "singular values of dx_{i+1}/dx_i");
    p.fillRect(frame.plotRect(), QColor(252, 252, 253));
    p.save();
    p.setClipRect(frame.plotRect());
    // The cells drawn above, shaded; the shown frame's cell as a line.
    if (v.cellCount > 0) {
        const QPointF a = frame.map(v.firstCell - 0.5, hi),
                      b = frame.map(v.firstCell + v.cellCount - 0.5, lo);
        p.fillRect(QRectF(a, b), QColor(240, 240, 246));
    }
    p.setPen(QPen(kOne, 1.2, Qt::DashLine));
    p.drawLine(frame.map(-0.5, 0), frame.map(steps - 0.5, 0));
    // The shown frame's cell; the last frame (no cell after it) at the right edge.
    const double shownX = std::min(double(v.frame), steps - 0.5);
    p.setPen(QPen(kShown, 1.6, Qt::DashDotLine));
    p.drawLine(frame.map(shownX, lo), frame.map(shownX, hi));
    p.setRenderHint(QPainter::Antialiasing, true);
    drawLogCurve(p, frame, xs, v.sigmaMax, QPen(kMax, 2.2));
    drawLogCurve(p, frame, xs, v.sigmaMin, QPen(kMin, 2.0));
    p.setPen(Qt::NoPen);
    for (int i = 0; i < steps; ++i) {
        for (const auto& [ys, c] : {std::pair{&v.sigmaMax, kMax}, std::pair{&v.sigmaMin, kMin}}) {
            const double y = (*ys)[std::size_t(i)];
            if (!(y > 0)) continue;
            p.setBrush(c);
            p.drawEllipse(frame.map(i, std::log10(y)), 2.6, 2.6);
        }
    }
    p.restore();
    frame.drawAxes(p);
    std::vector<LegendEntry> legend{
        {"largest singular value", QPen(kMax, 2.2)},
        {"smallest singular value", QPen(kMin, 2.0)},
        {"1: above it the step expands, below it contracts", QPen(kOne, 1.2, Qt::DashLine)},
        {QString("shown frame %1").arg(v.frame), QPen(kShown, 1.6, Qt::DashDotLine)}};
    if (!v.exactJacobian)
        legend.push_back({"J_D by central differences (no closed form)", QPen(Qt::NoPen)});
    drawLegend(p, frame, legend, fp * 0.85, Corner::BottomLeft);
    drawCaption(p, l.caption, style.caption, fp);
    return frame;
}

} // namespace

namespace renderers {
ViewRenderer rnnCells() {
    return rendererFor("rnn-cells", renderRnnCells);
}
} // namespace renderers

} // namespace dfs::render
