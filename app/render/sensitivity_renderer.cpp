// The sensitivity view (diffusion-math.md Section 1.6): the particles at the shown frame; for a
// few dozen of them, the image J (circle) of a circle of radius r around x_T under the run's
// Jacobian J = dx_i/dx_T, drawn as an ellipse at x_i; and backpropagation through time: on each
// starting point x_T an arrow along -d||x_i - m||^2/dx_T = -2 J^T (x_i - m), the direction in
// which moving the start brings the sample towards the target m (the data mean, a red cross).
#include "app/render/arrows.hpp"
#include "app/render/curve_plot.hpp"
#include "app/render/pane_layout.hpp"
#include "app/render/view_renderers.hpp"
#include "core/scene/views/sensitivity_data.hpp"

#include <QPolygonF>
#include <algorithm>
#include <cmath>

namespace dfs::render {

namespace {

const QColor kData(205, 205, 210), kSamples(150, 180, 215), kEllipse(31, 119, 180),
    kStart(60, 60, 60), kGrad(148, 103, 189), kTarget(214, 39, 40);
constexpr double kMaxMajor = 0.3; ///< longest ellipse drawn, in extents

PlotFrame renderSensitivity(QPainter& p, const QRectF& area, const SensitivityView& v,
                            const ViewStyle& style) {
    const double fp = style.fontPx;
    const QString detail = QString("%1   frame %2").arg(timeDetail(v.time)).arg(v.frame);
    const PaneLayout l =
        layoutPane(p, area, "Sensitivity to the start x_T", detail, style.caption, false, fp);
    const double e = v.box.extent;
    PlotFrame frame(l.body, -e, e, -e, e, fp);
    p.fillRect(frame.plotRect(), QColor(252, 252, 253));
    p.save();
    p.setClipRect(frame.plotRect());
    drawScatter(p, frame, v.data, kData, 2);
    drawScatter(p, frame, v.samples, kSamples, 2);
    p.setRenderHint(QPainter::Antialiasing, true);
    const std::size_t n = v.particles.size();
    double gmax = 0;
    for (std::size_t i = 0; i < n; ++i)
        gmax = std::max(gmax, std::hypot(v.gradient[2 * i], v.gradient[2 * i + 1]));
    bool anyShrunk = false;
    const double arrowUnits = gmax > 0 ? 0.3 * e / gmax : 0; // the longest arrow: 0.3 extent
    for (std::size_t i = 0; i < n; ++i) {
        const double* j = &v.jacobian[4 * i];
        const double ex = v.end[2 * i], ey = v.end[2 * i + 1];
        const double sx = v.start[2 * i], sy = v.start[2 * i + 1];
        // Where the start went: a faint line from x_T to x_i.
        p.setPen(QPen(QColor(170, 170, 180, 110), 0.8));
        p.drawLine(frame.map(sx, sy), frame.map(ex, ey));
        // J applied to the circle of radius r around x_T, centred at x_i; an image longer than
        // kMaxMajor extents is shrunk to that length and dashed (a start near a boundary
        // between modes, where the run is most sensitive).
        const double fro2 = j[0] * j[0] + j[1] * j[1] + j[2] * j[2] + j[3] * j[3];
        const double det = j[0] * j[3] - j[1] * j[2];
        const double major =
            std::sqrt(0.5 * (fro2 + std::sqrt(std::max(0.0, fro2 * fro2 - 4 * det * det))));
        const double shrink = std::min(1.0, kMaxMajor * e / std::max(1e-300, major * v.radius));
        anyShrunk = anyShrunk || shrink < 1;
        QPolygonF ring, circle;
        for (int k = 0; k <= 48; ++k) {
            const double a = 2 * M_PI * k / 48, cx = v.radius * std::cos(a),
                         cy = v.radius * std::sin(a);
            ring << frame.map(ex + shrink * (j[0] * cx + j[1] * cy),
                              ey + shrink * (j[2] * cx + j[3] * cy));
            circle << frame.map(sx + cx, sy + cy);
        }
        p.setPen(QPen(kEllipse, 1.6, shrink < 1 ? Qt::DashLine : Qt::SolidLine));
        p.setBrush(QColor(31, 119, 180, 45));
        p.drawPolygon(ring);
        p.setPen(QPen(kStart, 0.9, Qt::DotLine));
        p.setBrush(Qt::NoBrush);
        p.drawPolygon(circle);
        p.setPen(Qt::NoPen);
        p.setBrush(kStart);
        p.drawEllipse(frame.map(sx, sy), 2.4, 2.4);
        const double gx = v.gradient[2 * i], gy = v.gradient[2 * i + 1];
        if (arrowUnits > 0 && std::hypot(gx, gy) > 0)
            drawArrow(p, frame.map(sx, sy), frame.map(sx - arrowUnits * gx, sy - arrowUnits * gy),
                      QPen(kGrad, 1.6), 5);
    }
    const QPointF t = frame.map(v.target[0], v.target[1]);
    p.setPen(QPen(kTarget, 3));
    p.drawLine(t + QPointF(-7, -7), t + QPointF(7, 7));
    p.drawLine(t + QPointF(-7, 7), t + QPointF(7, -7));
    p.restore();
    frame.drawAxes(p);
    std::vector<LegendEntry> legend{
        {"particles at this frame", QPen(kSamples, 4), true},
        {QString("x_T: start (circle of radius %1)").arg(shortNumber(v.radius)), QPen(kStart, 4),
         true},
        {"J (circle) at x_i, J = dx_i/dx_T", QPen(kEllipse, 2)},
        {QString("-grad_xT ||x_i - m||^2 (max |g| %1)").arg(shortNumber(gmax)), QPen(kGrad, 2)},
        {QString("target m: the %1").arg(QString::fromStdString(v.targetLabel)), QPen(kTarget, 3)}};
    if (anyShrunk)
        legend.push_back(
            {QString("dashed: longer than %1, shrunk to it").arg(shortNumber(kMaxMajor * e)),
             QPen(kEllipse, 1.6, Qt::DashLine)});
    if (!v.exactJacobian)
        legend.push_back({"J_D by central differences (no closed form)", QPen(Qt::NoPen)});
    drawLegend(p, frame, legend, fp * 0.85, Corner::TopLeft);
    drawCaption(p, l.caption, style.caption, fp);
    return frame;
}

} // namespace

namespace renderers {
ViewRenderer sensitivity() {
    return rendererFor("sensitivity", renderSensitivity);
}
} // namespace renderers

} // namespace dfs::render
