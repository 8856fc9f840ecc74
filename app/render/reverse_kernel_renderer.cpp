// The reverse-kernel view: the exact reverse step q(x_s | x_t) as a density with contours at the
// levels where a Gaussian's 1- and 2-sigma lines lie (peak e^{-1/2}, e^{-2}), the model's Gaussian
// p_theta(x_s | x_t) as 1- and 2-sigma circles, q(x_s | x_t, x0) for the nearest data point as a
// dashed 1-sigma circle, and x_t (diffusion-math.md Sections 1.2 and 4.4).
#include "app/render/contours.hpp"
#include "app/render/curve_plot.hpp"
#include "app/render/pane_layout.hpp"
#include "app/render/view_renderers.hpp"
#include "core/scene/views/reverse_kernel_data.hpp"

#include <algorithm>
#include <cmath>

namespace dfs::render {

namespace {

const QColor kExact(255, 255, 255), kModel(230, 40, 40), kBridge(60, 220, 90), kXt(20, 20, 20);

PlotFrame renderReverseKernel(QPainter& p, const QRectF& area, const ReverseKernelView& v,
                              const ViewStyle& style) {
    const double fp = style.fontPx;
    const QString detail = QString("step %1 of %2: t %3 \u2192 s %4   KL(q \u2016 p_theta) %5 nats")
                               .arg(v.frame + 1)
                               .arg(v.steps)
                               .arg(shortNumber(v.time.t))
                               .arg(shortNumber(v.s))
                               .arg(shortNumber(v.kl));
    const PaneLayout l = layoutPane(p, area, "Reverse kernel", detail, style.caption, true, fp);
    const ScalarGrid& g = v.density;
    // An equal-aspect frame leaves no room for axis titles: make it here.
    PlotFrame frame(l.body.adjusted(1.4 * fp, 0, 0, -1.2 * fp), g.x0, g.x1, g.y0, g.y1, fp);
    frame.setAxisTitles("x_s (data units)", "y_s (data units)");
    const double hi = v.peak > 0 ? v.peak : 1;
    drawGrid(p, frame, g, Colormap::Viridis, 0, hi);
    p.save();
    p.setClipRect(frame.plotRect());
    p.setRenderHint(QPainter::Antialiasing, true);
    for (double level : {std::exp(-0.5), std::exp(-2.0)}) {
        p.setPen(QPen(kExact, 1.6));
        for (const QLineF& s : contourSegments(g, level * hi, frame)) p.drawLine(s);
    }
    const double px = frame.scale();
    auto circle = [&](const double* c, double r, const QPen& pen) {
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(frame.map(c[0], c[1]), r * px, r * px);
    };
    circle(v.modelMean, v.modelStd, QPen(kModel, 2.2));
    circle(v.modelMean, 2 * v.modelStd, QPen(kModel, 1.6));
    circle(v.bridgeMean, v.modelStd, QPen(kBridge, 1.8, Qt::DashLine));
    p.setPen(Qt::NoPen);
    p.setBrush(kModel);
    p.drawEllipse(frame.map(v.modelMean[0], v.modelMean[1]), 0.3 * fp, 0.3 * fp);
    // x_t: a cross with a white outline.
    const QPointF c = frame.map(v.xt[0], v.xt[1]);
    const double r = 0.55 * fp;
    for (const auto& [pen, w] : {std::pair{QColor(255, 255, 255), 4.0}, std::pair{kXt, 2.0}}) {
        p.setPen(QPen(pen, w));
        p.drawLine(c + QPointF(-r, -r), c + QPointF(r, r));
        p.drawLine(c + QPointF(-r, r), c + QPointF(r, -r));
    }
    p.restore();
    frame.drawAxes(p);
    drawColorBar(p, barBeside(frame.plotRect(), l.bar, fp), Colormap::Viridis, 0, hi,
                 "exact q(x_s | x_t) per unit area", fp);
    drawLegend(p, frame,
               {{QString("exact q(x_s|x_t) of %1: contours at peak e^-1/2, e^-2")
                     .arg(QString::fromStdString(v.exactSource)),
                 QPen(QColor(150, 150, 150), 1.6)},
                {QString("model p_theta(x_s|x_t) = N(mu~(D), %1^2 I), %2: 1 and 2 sd")
                     .arg(shortNumber(v.modelStd))
                     .arg(QString::fromStdString(v.model)),
                 QPen(kModel, 2.2)},
                {QString("q(x_s|x_t,x0), x0 = (%1, %2) nearest x_t/alpha: 1 sd")
                     .arg(shortNumber(v.x0[0]))
                     .arg(shortNumber(v.x0[1])),
                 QPen(kBridge, 1.8, Qt::DashLine)},
                {v.particle >= 0 ? QString("x_t of particle %1").arg(v.particle)
                                 : QString("x_t of the dropped particle"),
                 QPen(kXt, 2), true}},
               fp * 0.85, Corner::TopLeft);
    drawCaption(p, l.caption, style.caption, fp);
    return frame;
}

} // namespace

namespace renderers {
ViewRenderer reverseKernel() {
    return rendererFor("reverse-kernel", renderReverseKernel);
}
} // namespace renderers

} // namespace dfs::render
