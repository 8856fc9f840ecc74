// The sde-marginal view: the run's particles at the frame as a histogram (magma), under contour
// lines of p_t at the frame's time at 10, 30, 50, 70 and 90% of its peak (cyan). Where the
// sampler keeps the forward marginals (the Fokker-Planck check of diffusion-math.md 1.4) the
// bright cells sit inside the contours.
#include "app/render/arrows.hpp"
#include "app/render/contours.hpp"
#include "app/render/pane_layout.hpp"
#include "app/render/view_renderers.hpp"
#include "core/scene/views/sde_marginal_data.hpp"

#include <algorithm>

namespace dfs::render {

namespace {

const QColor kContour(80, 230, 255, 235);

} // namespace

PlotFrame renderSdeMarginal(QPainter& p, const QRectF& area, const SdeMarginalView& v,
                            const ViewStyle& style) {
    const double fp = style.fontPx;
    const QString title = QString("Marginal at t: %1").arg(QString::fromStdString(v.sampler));
    const QString detail = QString("%1/%2   ").arg(v.frame).arg(v.steps) + timeDetail(v.time);
    const PaneLayout l = layoutPane(p, area, title, detail, style.caption, true, fp);
    const double e = v.box.extent;
    const PlotFrame frame(l.body, -e, e, -e, e, fp);
    // One colour scale for the histogram, topped at the larger peak of the two densities.
    const double peak = v.exact.empty() ? 0 : valueRange(v.exact).second;
    const double hi = std::max({valueRange(v.samples).second, peak, 1e-12});
    drawGrid(p, frame, v.samples, Colormap::Magma, 0.0, hi);
    if (peak > 0) {
        std::vector<QLineF> lines;
        for (double level : {0.1, 0.3, 0.5, 0.7, 0.9}) {
            const std::vector<QLineF> s = contourSegments(v.exact, level * peak, frame);
            lines.insert(lines.end(), s.begin(), s.end());
        }
        p.save();
        p.setClipRect(frame.plotRect());
        p.setRenderHint(QPainter::Antialiasing, true);
        p.setPen(QPen(kContour, 1.3));
        p.drawLines(lines.data(), int(lines.size()));
        p.restore();
    }
    frame.drawAxes(p);
    std::vector<LegendItem> legend{
        {QString("histogram of the %1 particles").arg(v.particles), QColor(250, 140, 90),
         Qt::SolidLine, 6},
        {QString::fromStdString(v.exactLabel), kContour, Qt::SolidLine, 1.6},
        {"contours at 10, 30, 50, 70 and 90% of its peak", QColor(0, 0, 0, 0)}};
    if (v.energy >= 0)
        legend.push_back({QString("energy distance to p_t %1 (sampling floor %2)")
                              .arg(shortNumber(v.energy), shortNumber(v.energyFloor)),
                          QColor(0, 0, 0, 0)});
    drawLegend(p, frame.plotRect(), legend, fp);
    drawColorBar(p, barBeside(frame.plotRect(), l.bar, fp), Colormap::Magma, 0.0, hi,
                 "density of the particles (per unit area)", fp);
    drawCaption(p, l.caption, style.caption, fp);
    return frame;
}

namespace renderers {
ViewRenderer sdeMarginal() {
    return rendererFor("sde-marginal", renderSdeMarginal);
}
} // namespace renderers

} // namespace dfs::render
