// The expectation view: the posterior p(x0 | x_t) at one particle. Exact GMM: each component's
// posterior Gaussian N(m0_k, Cov_k) as a 1-sigma ellipse coloured and thickened by its
// responsibility; ideal denoiser: the training points sized by weight. Then the posterior mean
// D*(x) with the 1- and 2-sigma ellipses of Cov[x0 | x_t], the query x_t and x_t / alpha, the
// Monte Carlo means of K = 1, 10, 100, 1000 draws converging to D*, and a learned model's
// D_theta(x) (diffusion-math.md Section 1.8).
#include "app/render/colormap.hpp"
#include "app/render/curve_plot.hpp"
#include "app/render/pane_layout.hpp"
#include "app/render/view_renderers.hpp"
#include "core/scene/views/expectation_data.hpp"

#include <QFontMetricsF>
#include <algorithm>
#include <cmath>

namespace dfs::render {

namespace {

const QColor kMean(214, 39, 40), kQuery(20, 20, 20), kMc(255, 127, 14), kModel(44, 160, 44);

/// The ellipse {p : (p - c)^T C^{-1} (p - c) = r^2} of a 2x2 covariance (xx, xy, yy).
void drawCovEllipse(QPainter& p, const PlotFrame& f, double cx, double cy, double xx, double xy,
                    double yy, double r, const QPen& pen, const QBrush& brush = Qt::NoBrush) {
    const double tr = xx + yy, det = xx * yy - xy * xy;
    const double disc = std::sqrt(std::max(0.0, tr * tr / 4 - det));
    const double l1 = std::max(0.0, tr / 2 + disc), l2 = std::max(0.0, tr / 2 - disc);
    const double angle =
        std::abs(xy) > 1e-15 ? std::atan2(l1 - xx, xy) : (xx >= yy ? 0.0 : M_PI / 2);
    p.save();
    p.translate(f.map(cx, cy));
    p.rotate(-angle * 180 / M_PI); // y grows upwards in data, downwards in pixels
    p.setPen(pen);
    p.setBrush(brush);
    const double a = std::max(0.8, r * std::sqrt(l1) * f.scale()),
                 b = std::max(0.8, r * std::sqrt(l2) * f.scale());
    p.drawEllipse(QPointF(0, 0), a, b);
    p.restore();
}

void drawMarker(QPainter& p, const QPointF& q, const QColor& c, double s, int shape) {
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(c, 2));
    switch (shape) {
    case 0: // filled disc
        p.setBrush(c);
        p.drawEllipse(q, s, s);
        break;
    case 1: // hollow square
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRectF(q.x() - s, q.y() - s, 2 * s, 2 * s));
        break;
    case 2: // cross
        p.setPen(QPen(c, 3));
        p.drawLine(q + QPointF(-s, -s), q + QPointF(s, s));
        p.drawLine(q + QPointF(-s, s), q + QPointF(s, -s));
        break;
    default: // diamond
        p.setBrush(c);
        p.drawPolygon(QPolygonF(
            {q + QPointF(0, -s), q + QPointF(s, 0), q + QPointF(0, s), q + QPointF(-s, 0)}));
    }
    p.restore();
}

PlotFrame renderExpectation(QPainter& p, const QRectF& area, const ExpectationView& v,
                            const ViewStyle& style) {
    const double fp = style.fontPx;
    const QString detail = timeDetail(v.time);
    const PaneLayout l =
        layoutPane(p, area, "Posterior p(x0 | x_t)", detail, style.caption, true, fp);
    const double e = v.box.extent;
    PlotFrame frame(l.body, -e, e, -e, e, fp);
    p.fillRect(frame.plotRect(), QColor(252, 252, 253));
    p.save();
    p.setClipRect(frame.plotRect());
    p.setRenderHint(QPainter::Antialiasing, true);
    drawScatter(p, frame, v.data, QColor(200, 200, 205), 2);
    // The posterior's parts, coloured by weight relative to the largest.
    float wmax = 0;
    for (float w : v.componentWeight) wmax = std::max(wmax, w);
    for (float w : v.pointWeight) wmax = std::max(wmax, w);
    if (!(wmax > 0)) wmax = 1;
    for (std::size_t k = 0; k < v.componentWeight.size(); ++k) {
        const double w = v.componentWeight[k] / wmax;
        QColor c = QColor::fromRgb(colormapColor(Colormap::Viridis, w));
        QColor fill = c;
        fill.setAlphaF(0.08 + 0.35 * w);
        drawCovEllipse(p, frame, v.componentMean[2 * k], v.componentMean[2 * k + 1],
                       v.componentCov[3 * k], v.componentCov[3 * k + 1], v.componentCov[3 * k + 2],
                       1.0, QPen(c, 0.8 + 2.5 * w), fill);
    }
    // Training points: low weights first, so the heavy ones are on top.
    std::vector<std::size_t> order(v.pointWeight.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](auto a, auto b) { return v.pointWeight[a] < v.pointWeight[b]; });
    p.setPen(Qt::NoPen);
    for (std::size_t i : order) {
        const double w = v.pointWeight[i] / wmax;
        p.setBrush(w < 1e-3 ? QColor(200, 200, 205)
                            : QColor::fromRgb(colormapColor(Colormap::Viridis, w)));
        const double r = 1.2 + 6 * std::sqrt(w);
        p.drawEllipse(frame.map(v.points[2 * i], v.points[2 * i + 1]), r, r);
    }
    // Cov[x0 | x_t]: 1- and 2-sigma around D*.
    drawCovEllipse(p, frame, v.mean[0], v.mean[1], v.cov[0], v.cov[1], v.cov[2], 1.0,
                   QPen(kMean, 2));
    drawCovEllipse(p, frame, v.mean[0], v.mean[1], v.cov[0], v.cov[1], v.cov[2], 2.0,
                   QPen(kMean, 1.5, Qt::DashLine));
    // The Monte Carlo means, joined in order of K and labelled.
    QFont f = p.font();
    f.setPixelSize(std::max(1, int(fp * 0.85)));
    p.setFont(f);
    for (std::size_t i = 0; i < v.mcDraws.size(); ++i) {
        const QPointF q = frame.map(v.mcMean[2 * i], v.mcMean[2 * i + 1]);
        if (i) {
            p.setPen(QPen(kMc, 1, Qt::DotLine));
            p.drawLine(frame.map(v.mcMean[2 * i - 2], v.mcMean[2 * i - 1]), q);
        }
        drawMarker(p, q, kMc, 3 + double(i), 0);
        p.setPen(QColor(150, 70, 0));
        p.drawText(q + QPointF(6.0 + double(i), -4.0 - double(i)),
                   QString("K=%1").arg(v.mcDraws[i]));
    }
    const QPointF mean = frame.map(v.mean[0], v.mean[1]);
    if (v.hasModel) {
        const QPointF m = frame.map(v.modelMean[0], v.modelMean[1]);
        p.setPen(QPen(kModel, 1.5));
        p.drawLine(m, mean);
        drawMarker(p, m, kModel, 6, 3);
    }
    drawMarker(p, frame.map(v.x[0], v.x[1]), kQuery, 5, 0);
    drawMarker(p, frame.map(v.xOverAlpha[0], v.xOverAlpha[1]), kQuery, 5, 1);
    drawMarker(p, mean, kMean, 7, 2);
    p.restore();
    frame.drawAxes(p);
    std::vector<LegendEntry> legend{
        {v.particle >= 0 ? QString("x_t (particle %1)").arg(v.particle)
                         : QString("x_t (dropped particle)"),
         QPen(kQuery, 2), true},
        {"x_t / alpha (hollow square)", QPen(kQuery, 1)},
        {"D*(x) = E[x0|x_t] (cross), 1 and 2 sd of Cov[x0|x_t]", QPen(kMean, 2)},
        {"mean of K posterior draws", QPen(kMc, 2), true},
        {v.componentWeight.empty() ? "training points, size/colour = weight w_i"
                                   : "components N(m0_k, Cov_k), colour = w_k",
         QPen(QColor::fromRgb(colormapColor(Colormap::Viridis, 0.9)), 3)}};
    if (v.hasModel)
        legend.push_back({QString("D_theta(x) of %1: %2 from D*")
                              .arg(QString::fromStdString(v.model))
                              .arg(shortNumber(std::hypot(v.modelMean[0] - v.mean[0],
                                                          v.modelMean[1] - v.mean[1]))),
                          QPen(kModel, 2), true});
    drawLegend(p, frame, legend, fp * 0.9, Corner::TopLeft);
    drawLegend(p, frame,
               {{QString("N_eff = 1/sum w^2 = %1   entropy %2 nats")
                     .arg(shortNumber(v.effectiveCount), shortNumber(v.entropy)),
                 QPen(Qt::NoPen)}},
               fp * 0.9, Corner::BottomRight);
    drawColorBar(p, barBeside(frame.plotRect(), l.bar, fp), Colormap::Viridis, 0, 1,
                 "weight / largest weight", fp);
    drawCaption(p, l.caption, style.caption, fp);
    return frame;
}

} // namespace

namespace renderers {
ViewRenderer expectation() {
    return rendererFor("expectation", renderExpectation);
}
} // namespace renderers

} // namespace dfs::render
