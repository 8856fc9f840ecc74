// The elbo view: above, the KL of each step of the chain as a bar over its logSNR span (log axis,
// nats); below, the bound built up from the prior at the noise end (left) through the steps to
// the decoder (right), where the reconstruction term brings it to the negative ELBO, beside the
// exact -E log p_0 (diffusion-math.md Section 1.2; core/metrics/chain_elbo.hpp).
#include "app/render/curve_plot.hpp"
#include "app/render/pane_layout.hpp"
#include "app/render/view_renderers.hpp"
#include "core/scene/views/elbo_data.hpp"

#include <QPainterPath>
#include <algorithm>
#include <cmath>

namespace dfs::render {

namespace {

const QColor kBar(31, 119, 180), kBound(44, 44, 44), kExact(214, 39, 40), kCursor(120, 120, 120),
    kRec(255, 127, 14), kRef(148, 103, 189);

/// The bound added up from the prior (left) across each step: (logSNR, nats) points.
std::vector<QPointF> boundPath(const ElboView& v, const std::vector<double>& kl, double prior) {
    std::vector<QPointF> pts{{v.logSnrT.empty() ? 0.0 : v.logSnrT.back(), prior}};
    double cum = prior;
    for (std::size_t k = std::min(kl.size(), v.logSnrS.size()); k-- > 0;) {
        cum += kl[k];
        pts.emplace_back(v.logSnrS[k], cum);
    }
    return pts;
}

void drawCursor(QPainter& p, const PlotFrame& frame, double x, double y0, double y1) {
    if (!std::isfinite(x)) return;
    p.save();
    p.setClipRect(frame.plotRect());
    p.setPen(QPen(kCursor, 1.4, Qt::DashDotLine));
    p.drawLine(frame.map(x, y0), frame.map(x, y1));
    p.restore();
}

/// The running bound: the prior at the left edge, each step's KL added across its span.
void drawBound(QPainter& p, const QRectF& area, const ElboView& v, double x0, double x1,
               double fp) {
    const std::vector<QPointF> pts = boundPath(v, v.kl, v.prior);
    const double cum = pts.back().y();
    double lo = std::min({0.0, v.total, v.prior}), hi = std::max({cum, v.total, v.prior});
    if (v.hasExact) lo = std::min(lo, v.exactNll), hi = std::max(hi, v.exactNll);
    // The reference's path: the prior is the same (it does not depend on the model).
    const bool ref = !v.reference.empty() && v.referenceKl.size() == v.kl.size();
    const std::vector<QPointF> refPts =
        ref ? boundPath(v, v.referenceKl, v.prior) : std::vector<QPointF>{};
    if (ref) {
        lo = std::min(lo, v.referenceTotal);
        hi = std::max(hi, refPts.back().y());
    }
    const double pad = 0.08 * std::max(hi - lo, 1e-3);
    lo -= pad, hi += pad;
    hi += 0.35 * (hi - lo); // room for the legend
    PlotFrame frame(area, x0, x1, lo, hi, fp, false);
    frame.setAxisTitles("logSNR = log(alpha^2 / sigma^2)   (noise at left, data at right)",
                        "bound so far (nats)");
    p.fillRect(frame.plotRect(), QColor(252, 252, 253));
    p.save();
    p.setClipRect(frame.plotRect());
    p.setRenderHint(QPainter::Antialiasing, true);
    if (v.hasExact) {
        p.setPen(QPen(kExact, 2.0, Qt::DashLine));
        p.drawLine(frame.map(x0, v.exactNll), frame.map(x1, v.exactNll));
    }
    auto polyline = [&](const std::vector<QPointF>& ps, const QPen& pen) {
        QPainterPath path;
        path.moveTo(frame.map(ps[0].x(), ps[0].y()));
        for (const QPointF& q : ps) path.lineTo(frame.map(q.x(), q.y()));
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
    };
    if (ref) {
        polyline(refPts, QPen(kRef, 2.0, Qt::DashLine));
        p.setPen(Qt::NoPen);
        p.setBrush(kRef);
        p.drawEllipse(frame.map(refPts.back().x(), v.referenceTotal), 0.35 * fp, 0.35 * fp);
    }
    polyline(pts, QPen(kBound, 2.2));
    // The reconstruction term at the decoder's end: from the sum of the KLs down to -ELBO.
    const double xr = pts.back().x();
    p.setPen(QPen(kRec, 2.2, Qt::DashLine));
    p.drawLine(frame.map(xr, cum), frame.map(xr, v.total));
    p.setPen(Qt::NoPen);
    p.setBrush(kBound);
    p.drawEllipse(frame.map(xr, v.total), 0.4 * fp, 0.4 * fp);
    p.restore();
    drawCursor(p, frame, v.time.logSnr, lo, hi);
    frame.drawAxes(p);
    std::vector<LegendEntry> legend{
        {"prior KL + the steps' KL, from noise to data", QPen(kBound, 2.2)},
        {(v.discreteLevels > 0
              ? QString("reconstruction -log P(x0's bin of %1 levels | N(D, (sigma/alpha)^2)), "
                        "Ho et al. eq. 13")
                    .arg(v.discreteLevels)
              : QString("reconstruction -log N(x0; D, (sigma/alpha)^2)")) +
             QString(", sigma/alpha = %1: %2 nats")
                 .arg(shortNumber(v.decoderStd))
                 .arg(shortNumber(v.reconstruction)),
         QPen(kRec, 2.2, Qt::DashLine)},
        {QString("-ELBO = %1 \u00b1 %2 nats = %3 bits/dim%4")
             .arg(shortNumber(v.total))
             .arg(shortNumber(v.totalSe))
             .arg(shortNumber(v.bitsPerDim))
             .arg(v.discreteLevels > 0 ? QString(" (discrete data, d = %1)").arg(v.dim) : ""),
         QPen(kBound), true}};
    if (ref)
        legend.push_back({QString("the %1 reference: -ELBO = %2 nats = %3 bits/dim")
                              .arg(QString::fromStdString(v.reference))
                              .arg(shortNumber(v.referenceTotal))
                              .arg(shortNumber(v.referenceBitsPerDim)),
                          QPen(kRef, 2.0, Qt::DashLine)});
    if (v.hasExact)
        legend.push_back({QString("exact -E log p0 = %1 nats (gap %2 \u00b1 %3)")
                              .arg(shortNumber(v.exactNll))
                              .arg(shortNumber(v.total - v.exactNll))
                              .arg(shortNumber(v.gapSe)),
                          QPen(kExact, 2.0, Qt::DashLine)});
    drawLegend(p, frame, legend, fp * 0.85, Corner::TopLeft);
}

PlotFrame renderElbo(QPainter& p, const QRectF& area, const ElboView& v, const ViewStyle& style) {
    const double fp = style.fontPx;
    QString detail = QString("T = %1   -ELBO %2 nats = %3 bits/dim")
                         .arg(v.steps)
                         .arg(shortNumber(v.total))
                         .arg(shortNumber(v.bitsPerDim));
    if (v.hasExact) detail += QString("   exact -log p0 %1").arg(shortNumber(v.exactNll));
    const PaneLayout l = layoutPane(p, area, "Variational bound", detail, style.caption, false, fp);
    double x0 = INFINITY, x1 = -INFINITY;
    for (std::size_t k = 0; k < v.kl.size(); ++k)
        x0 = std::min(x0, v.logSnrT[k]), x1 = std::max(x1, v.logSnrS[k]);
    if (!(x0 < x1)) x0 = -1, x1 = 1;
    const double margin = 0.03 * (x1 - x0); // the decoder's end (its drop and dot) inside the frame
    x0 -= margin, x1 += margin;
    const QRectF top(l.body.left(), l.body.top(), l.body.width(), l.body.height() * 0.55);
    const QRectF bottom(l.body.left(), top.bottom(), l.body.width(),
                        l.body.height() - top.height());
    auto [lo, hi] = logRange({&v.kl, &v.referenceKl}, 0.15);
    lo = std::max(lo, hi - 6);
    hi += 0.22 * (hi - lo); // room for the legend above the bars
    PlotFrame frame(top, x0, x1, lo, hi, fp, false);
    frame.setLogAxes(false, true);
    frame.setAxisTitles("logSNR", "KL per step (nats)");
    p.fillRect(frame.plotRect(), QColor(252, 252, 253));
    p.save();
    p.setClipRect(frame.plotRect());
    const QColor fill(kBar.red(), kBar.green(), kBar.blue(), 170);
    const bool edges = frame.plotRect().width() / std::max<std::size_t>(1, v.kl.size()) > 4;
    p.setPen(edges ? QPen(kBar.darker(130), 1) : QPen(Qt::NoPen));
    p.setBrush(fill);
    for (std::size_t k = 0; k < v.kl.size(); ++k) {
        if (!(v.kl[k] > 0)) continue;
        p.drawRect(
            QRectF(frame.map(v.logSnrT[k], std::log10(v.kl[k])), frame.map(v.logSnrS[k], lo)));
    }
    const bool ref = !v.reference.empty() && v.referenceKl.size() == v.kl.size();
    if (ref) { // the reference's KL per step as the bars' outline
        QPainterPath path;
        bool started = false;
        for (std::size_t k = 0; k < v.kl.size(); ++k) {
            if (!(v.referenceKl[k] > 0)) {
                started = false;
                continue;
            }
            const double y = std::log10(v.referenceKl[k]);
            const QPointF a = frame.map(v.logSnrS[k], y), b = frame.map(v.logSnrT[k], y);
            started ? path.lineTo(a) : path.moveTo(a);
            path.lineTo(b);
            started = true;
        }
        p.setPen(QPen(kRef, 1.8));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
    }
    p.restore();
    drawCursor(p, frame, v.time.logSnr, lo, hi);
    frame.drawAxes(p);
    std::vector<LegendEntry> legend{
        {QString("KL(q(x_s|x_t,x0) || p_theta(x_s|x_t)) of each of the T = %1 steps, model %2, "
                 "%3 points")
             .arg(v.steps)
             .arg(QString::fromStdString(v.model))
             .arg(v.samples),
         QPen(fill, 0.8 * fp)}};
    if (ref)
        legend.push_back(
            {QString("the same for the %1 reference").arg(QString::fromStdString(v.reference)),
             QPen(kRef, 1.8)});
    legend.push_back({"time cursor", QPen(kCursor, 1.4, Qt::DashDotLine)});
    drawLegend(p, frame, legend, fp * 0.85, Corner::TopRight);
    drawBound(p, bottom, v, x0, x1, fp);
    drawCaption(p, l.caption, style.caption, fp);
    return frame;
}

} // namespace

namespace renderers {
ViewRenderer elbo() {
    return rendererFor("elbo", renderElbo);
}
} // namespace renderers

} // namespace dfs::render
