// The noising chain: the data pushed forward to time t over a heat map of log p_t, with a strip
// of small multiples along t below.
#include "app/render/pane_layout.hpp"
#include "app/render/view_renderers.hpp"

#include <cmath>

namespace dfs::render {

PlotFrame renderChain(QPainter& p, const QRectF& area, const ChainView& v, const ViewStyle& style) {
    const double fp = style.fontPx;
    const PaneLayout l =
        layoutPane(p, area, "Noising chain", timeDetail(v.time), style.caption, true, fp);
    const double e = v.box.extent;
    const double stripH = std::min(l.body.height() * 0.24, l.body.width() / 6 + fp * 1.2);
    const QRectF mainArea(l.body.left(), l.body.top(), l.body.width(), l.body.height() - stripH);
    const PlotFrame frame(mainArea, -e, e, -e, e, fp);
    const auto [lo, hi] = valueRange(v.density);
    drawGrid(p, frame, v.density, Colormap::Viridis, lo, hi);
    drawScatter(p, frame, v.xy, QColor(255, 255, 255, 170), 1.6);
    frame.drawAxes(p);
    drawColorBar(p, barBeside(frame.plotRect(), l.bar, fp), Colormap::Viridis, lo, hi,
                 QString::fromStdString(v.density.label), fp);

    // Small multiples: the same points at times evenly spaced in logSNR from data to noise, each
    // in its own square.
    const int n = int(v.strip.size());
    if (n > 0) {
        const double w = l.body.width() / n;
        // The cell nearest the time cursor is outlined.
        int nearestCell = 0;
        for (int k = 1; k < n; ++k)
            if (std::abs(v.strip[std::size_t(k)].t - v.time.t) <
                std::abs(v.strip[std::size_t(nearestCell)].t - v.time.t))
                nearestCell = k;
        QFont f = p.font();
        f.setPixelSize(std::max(1, int(fp * 0.9)));
        for (int k = 0; k < n; ++k) {
            const ChainView::Cell& c = v.strip[std::size_t(k)];
            const double side = std::min(w - 4, stripH - fp * 1.4);
            const QRectF cell(l.body.left() + k * w + (w - side) / 2, mainArea.bottom() + fp * 1.3,
                              side, side);
            p.fillRect(cell, QColor(248, 248, 250));
            const double ce = c.extent;
            const PlotFrame small(cell.adjusted(-3.2 * fp, -0.5 * fp, 0.5 * fp, 1.8 * fp), -ce, ce,
                                  -ce, ce, fp);
            const bool current = k == nearestCell;
            drawScatter(p, small, c.xy, QColor(40, 60, 140, 150), 1.0);
            p.setPen(QPen(current ? QColor(220, 60, 30) : QColor(150, 150, 150), current ? 2 : 1));
            p.setBrush(Qt::NoBrush);
            p.drawRect(cell);
            p.setFont(f);
            p.setPen(QColor(60, 60, 60));
            p.drawText(QRectF(cell.left(), cell.top() - fp * 1.25, cell.width(), fp * 1.2),
                       Qt::AlignCenter,
                       c.t < 1e-4 ? QString("t ≈ 0") : QString("t = %1").arg(shortNumber(c.t)));
        }
    }
    drawCaption(p, l.caption, style.caption, fp);
    return frame;
}

namespace renderers {
ViewRenderer chain() {
    return rendererFor("chain", renderChain);
}
} // namespace renderers

} // namespace dfs::render
