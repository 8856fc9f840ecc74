// Sample density against the reference: the histogram of the current samples beside the exact
// density p_0 (or the data's histogram), on one colour scale.
#include "app/render/pane_layout.hpp"
#include "app/render/view_renderers.hpp"

#include <algorithm>

namespace dfs::render {

PlotFrame renderDensity(QPainter& p, const QRectF& area, const DensityView& v,
                        const ViewStyle& style) {
    const double fp = style.fontPx;
    QString detail = timeDetail(v.time);
    if (v.energyDistance >= 0)
        detail = QString("energy distance %1   ").arg(shortNumber(v.energyDistance)) + detail;
    const PaneLayout l = layoutPane(p, area, "Density", detail, style.caption, true, fp);
    const double e = v.box.extent;
    const double hi = std::max(valueRange(v.reference).second, 1e-12);
    // Side by side or stacked, whichever gives the larger plots.
    const QRectF& b = l.body;
    const double sideBySide = std::min(b.width() / 2 - 3.7 * fp, b.height() - 2.3 * fp);
    const double stacked = std::min(b.width() - 3.7 * fp, b.height() / 2 - 2.3 * fp);
    const QRectF halves[2] = {
        sideBySide >= stacked ? QRectF(b.left(), b.top(), b.width() / 2, b.height())
                              : QRectF(b.left(), b.top(), b.width(), b.height() / 2),
        sideBySide >= stacked
            ? QRectF(b.left() + b.width() / 2, b.top(), b.width() / 2, b.height())
            : QRectF(b.left(), b.top() + b.height() / 2, b.width(), b.height() / 2)};
    const ScalarGrid* grids[2] = {&v.samples, &v.reference};
    const QString names[2] = {"samples", QString::fromStdString(v.referenceLabel)};
    QFont f = p.font();
    f.setPixelSize(std::max(1, int(fp)));
    const PlotFrame first(halves[0], -e, e, -e, e, fp);
    QRectF plots; // both plots: the colour bar spans them
    for (int k = 0; k < 2; ++k) {
        const PlotFrame frame = k == 0 ? first : PlotFrame(halves[k], -e, e, -e, e, fp);
        plots = plots.isNull() ? frame.plotRect() : plots.united(frame.plotRect());
        drawGrid(p, frame, *grids[k], Colormap::Magma, 0.0, hi);
        frame.drawAxes(p);
        p.setFont(f);
        p.setPen(Qt::white);
        p.drawText(frame.plotRect().adjusted(0.4 * fp, 0.2 * fp, 0, 0),
                   Qt::AlignLeft | Qt::AlignTop, names[k]);
    }
    drawColorBar(p, barBeside(plots, l.bar, fp), Colormap::Magma, 0.0, hi, "density", fp);
    drawCaption(p, l.caption, style.caption, fp);
    return first;
}

namespace renderers {
ViewRenderer density() {
    return rendererFor("density", renderDensity);
}
} // namespace renderers

} // namespace dfs::render
