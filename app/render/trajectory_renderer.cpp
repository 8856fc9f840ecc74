// Sampler trajectories: paths coloured by t from noise (t = 1, dark) to data (t = 0, bright), the
// particles at the current frame, and one highlighted particle with its x0_hat along the way.
// Coloured by log-likelihood (TrajectoryView::colour), the particles take their log p_t through
// the PF-ODE on the magma map (grey: not computed), with its colour bar in nats and a line with
// the mean beside the exact one.
#include "app/render/pane_layout.hpp"
#include "app/render/view_renderers.hpp"

#include <QFontMetricsF>
#include <algorithm>
#include <cmath>

namespace dfs::render {

namespace {

bool byLikelihood(const TrajectoryView& v) {
    return v.colour == "log-likelihood" && v.logp.size() * 2 == v.current.size();
}

void drawLikelihoodParticles(QPainter& p, const PlotFrame& frame, const TrajectoryView& v) {
    const QRectF clip = frame.plotRect();
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    const double span = v.logpHigh - v.logpLow;
    for (std::size_t i = 0; i < v.logp.size(); ++i) {
        const QPointF q = frame.map(v.current[2 * i], v.current[2 * i + 1]);
        if (!clip.contains(q)) continue;
        const double u = (double(v.logp[i]) - v.logpLow) / span;
        const QColor c =
            std::isfinite(u) ? QColor::fromRgb(colormapColor(Colormap::Magma, u)) : Qt::gray;
        p.setPen(Qt::NoPen);
        p.setBrush(c);
        p.drawEllipse(q, 2.2, 2.2);
    }
    p.restore();
}

/// The note (how log p was computed, or why it is not) along the bottom of the plot.
void drawNote(QPainter& p, const PlotFrame& frame, const QString& note, double fp) {
    if (note.isEmpty()) return;
    p.save();
    QFont f = p.font();
    f.setPixelSize(std::max(1, int(fp * 0.8)));
    p.setFont(f);
    const QFontMetricsF fm(f);
    const QRectF plot = frame.plotRect();
    const QString text = fm.elidedText(note, Qt::ElideRight, plot.width() - 0.4 * fp);
    const QRectF box(plot.left() + 0.2 * fp, plot.bottom() - 1.3 * fp,
                     fm.horizontalAdvance(text) + 0.4 * fp, 1.1 * fp);
    p.fillRect(box, QColor(255, 255, 255, 215));
    p.setPen(QColor(40, 40, 45));
    p.drawText(box, Qt::AlignCenter, text);
    p.restore();
}

} // namespace

PlotFrame renderTrajectories(QPainter& p, const QRectF& area, const TrajectoryView& v,
                             const ViewStyle& style) {
    const double fp = style.fontPx;
    const QString title = QString("Trajectories: %1").arg(QString::fromStdString(v.sampler));
    const QString detail = QString("%1/%2   ").arg(v.frame).arg(v.steps) + timeDetail(v.time);
    const PaneLayout l = layoutPane(p, area, title, detail, style.caption, true, fp);
    const double e = v.box.extent;
    const PlotFrame frame(l.body, -e, e, -e, e, fp);
    p.fillRect(frame.plotRect(), QColor(252, 252, 253));
    drawScatter(p, frame, v.data, QColor(170, 170, 175, 120), 1.5);

    p.save();
    p.setClipRect(frame.plotRect());
    p.setRenderHint(QPainter::Antialiasing, true);
    const int paths = v.pathCount;
    const int alpha = std::clamp(int(std::lround(255.0 * v.pathOpacity)), 1, 255);
    std::vector<QLineF> seg(std::size_t(std::max(0, paths)));
    for (int f = 0; f + 1 < int(v.times.size()); ++f) {
        const float* a = &v.paths[std::size_t(2 * f * paths)];
        const float* b = a + 2 * paths;
        for (int k = 0; k < paths; ++k)
            seg[std::size_t(k)] =
                QLineF(frame.map(a[2 * k], a[2 * k + 1]), frame.map(b[2 * k], b[2 * k + 1]));
        QColor c = QColor::fromRgb(colormapColor(Colormap::Viridis, 1.0 - v.times[std::size_t(f)]));
        c.setAlpha(alpha);
        p.setPen(QPen(c, 0.9));
        p.drawLines(seg.data(), paths);
    }
    p.restore();

    QColor now = QColor::fromRgb(colormapColor(Colormap::Viridis, 1.0 - v.time.t)).darker(140);
    now.setAlpha(200);
    const bool likelihood = byLikelihood(v);
    if (likelihood)
        drawLikelihoodParticles(p, frame, v);
    else
        drawScatter(p, frame, v.current, now, 2.0);

    if (!v.highlightPath.empty()) {
        p.save();
        p.setClipRect(frame.plotRect());
        p.setRenderHint(QPainter::Antialiasing, true);
        auto polyline = [&](const std::vector<float>& xy) {
            QPolygonF poly;
            for (std::size_t i = 0; i + 1 < xy.size(); i += 2) poly << frame.map(xy[i], xy[i + 1]);
            return poly;
        };
        const QPolygonF path = polyline(v.highlightPath), x0 = polyline(v.highlightX0);
        if (!v.companionPath.empty()) {
            p.setPen(QPen(QColor(20, 70, 200, 230), 2.0, Qt::DashDotLine));
            p.drawPolyline(polyline(v.companionPath));
        }
        p.setPen(QPen(QColor(255, 140, 0), 1.4, Qt::DashLine));
        p.drawPolyline(x0);
        p.setBrush(QColor(255, 140, 0));
        p.setPen(QPen(Qt::black, 1));
        p.drawEllipse(x0.back(), 3.5, 3.5); // x0_hat now: under the particle once they meet
        p.setPen(QPen(QColor(220, 20, 60), 2.2));
        p.drawPolyline(path);
        p.setBrush(QColor(220, 20, 60));
        p.drawEllipse(path.back(), 4, 4);
        p.restore();
    }
    if (!v.highlightPath.empty()) {
        // Legend of the highlighted particle's lines.
        QFont f = p.font();
        f.setPixelSize(std::max(1, int(fp * 0.85)));
        p.setFont(f);
        const QRectF r = frame.plotRect().adjusted(0.4 * fp, 0.2 * fp, 0, 0);
        const QFontMetricsF fm(f);
        const QString companion =
            QString("%1 from the same noise").arg(QString::fromStdString(v.companion));
        const double boxW =
            fm.horizontalAdvance(v.companion.empty() ? QString("its x0_hat") : companion) +
            0.6 * fp;
        p.fillRect(
            QRectF(r.left() - 0.2 * fp, r.top(), boxW, (v.companion.empty() ? 2.3 : 3.4) * fp),
            QColor(255, 255, 255, 215));
        p.setPen(QColor(220, 20, 60));
        p.drawText(r, Qt::AlignLeft | Qt::AlignTop, "particle");
        p.setPen(QColor(215, 110, 0));
        p.drawText(r.adjusted(0, 1.1 * fp, 0, 0), Qt::AlignLeft | Qt::AlignTop, "its x0_hat");
        if (!v.companion.empty()) {
            p.setPen(QColor(30, 90, 200));
            p.drawText(r.adjusted(0, 2.2 * fp, 0, 0), Qt::AlignLeft | Qt::AlignTop, companion);
        }
    }
    if (v.colour == "log-likelihood") drawNote(p, frame, QString::fromStdString(v.logpNote), fp);
    frame.drawAxes(p);
    if (likelihood)
        drawColorBar(p, barBeside(frame.plotRect(), l.bar, fp), Colormap::Magma, v.logpLow,
                     v.logpHigh, "log p_t of the particles (nats)", fp);
    else
        drawColorBar(p, barBeside(frame.plotRect(), l.bar, fp), Colormap::Viridis, 0.0, 1.0,
                     "1 - t (path colour)", fp);
    drawCaption(p, l.caption, style.caption, fp);
    return frame;
}

namespace renderers {
ViewRenderer trajectories() {
    return rendererFor("trajectories", renderTrajectories);
}
} // namespace renderers

} // namespace dfs::render
