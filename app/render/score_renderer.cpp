// The score view: sigma^2 s of the model (white) and of the exact or ideal reference (orange) on a
// coarse grid over a heat map of ||s_theta - s*|| (learned model) or ||s*||, with the Tweedie link
// s = (alpha D(x) - x)/sigma^2 stated in the legend.
#include "app/render/arrows.hpp"
#include "app/render/pane_layout.hpp"
#include "app/render/view_renderers.hpp"
#include "core/scene/views/score_data.hpp"

#include <cmath>

namespace dfs::render {

namespace {

const QColor kModel(255, 255, 255, 235);
const QColor kReference(255, 150, 20, 235);

} // namespace

PlotFrame renderScore(QPainter& p, const QRectF& area, const ScoreView& v, const ViewStyle& style) {
    const double fp = style.fontPx;
    const bool learned = !v.reference.empty();
    const QString model = QString::fromStdString(v.modelName);
    const QString title =
        learned ? QString("Score: learned vs %1").arg(QString::fromStdString(v.referenceName))
                : QString("Score: %1").arg(model);
    const PaneLayout l = layoutPane(p, area, title, timeDetail(v.time), style.caption, true, fp);
    const double e = v.box.extent;
    const PlotFrame frame(l.body, -e, e, -e, e, fp);
    const Colormap map = learned ? Colormap::Magma : Colormap::Viridis;
    // A learned model's error on one range at every t (ScoreView::heatMax).
    const double lo = learned ? 0.0 : valueRange(v.heat).first;
    const double hi = learned && v.heatMax > 0 ? v.heatMax : valueRange(v.heat).second;
    drawGrid(p, frame, v.heat, map, lo, hi);
    // One scale for both sets, so that their lengths compare.
    const double cellPx = frame.plotRect().width() / std::max(1, v.n);
    const double scale = arrowScale(learned ? v.reference : v.model, cellPx);
    // Each set over a dark halo, so that the arrows stay visible on the bright end of the map.
    const QPen halo(QColor(0, 0, 0, 110), 3.0, Qt::SolidLine, Qt::RoundCap);
    if (learned) {
        drawArrowGrid(p, frame, v.pos, v.reference, scale, cellPx, halo);
        drawArrowGrid(p, frame, v.pos, v.reference, scale, cellPx, QPen(kReference, 1.6));
    }
    drawArrowGrid(p, frame, v.pos, v.model, scale, cellPx, halo);
    drawArrowGrid(p, frame, v.pos, v.model, scale, cellPx, QPen(kModel, 1.2));
    frame.drawAxes(p);
    std::vector<LegendItem> legend;
    if (learned) {
        legend.push_back(
            {QString("\u03c3\u00b2 s_\u03b8 (%1)").arg(model), kModel, Qt::SolidLine, 1.6, true});
        legend.push_back(
            {QString("\u03c3\u00b2 s* (%1)").arg(QString::fromStdString(v.referenceName)),
             kReference.darker(110), Qt::SolidLine, 1.8, true});
    } else {
        legend.push_back(
            {QString("\u03c3\u00b2 s* (%1)").arg(model), kModel, Qt::SolidLine, 1.6, true});
    }
    legend.push_back({"s = (\u03b1 D(x) \u2212 x) / \u03c3\u00b2  (Tweedie)", QColor(0, 0, 0, 0)});
    legend.push_back(
        {"arrows \u00d7 \u03c3\u00b2 to stay readable at every t", QColor(0, 0, 0, 0)});
    drawLegend(p, frame.plotRect(), legend, fp);
    drawColorBar(p, barBeside(frame.plotRect(), l.bar, fp), map, lo, hi,
                 QString::fromStdString(v.heat.label), fp);
    drawCaption(p, l.caption, style.caption, fp);
    return frame;
}

namespace renderers {
ViewRenderer score() {
    return rendererFor("score", renderScore);
}
} // namespace renderers

} // namespace dfs::render
