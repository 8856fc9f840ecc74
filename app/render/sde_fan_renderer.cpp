// The sde-fan view: thin reverse-SDE paths from one x_T (steel blue), the noise-free path from the
// same x_T drawn bold (crimson), the fan's particles at the frame, and at the fan's mean the next
// step split into its drift (green) and its noise (purple) (diffusion-math.md 1.4). Step arrows
// a few pixels long are magnified by a stated factor so that their directions stay visible.
#include "app/render/arrows.hpp"
#include "app/render/pane_layout.hpp"
#include "app/render/view_renderers.hpp"
#include "core/scene/views/sde_fan_data.hpp"

#include <algorithm>
#include <cmath>

namespace dfs::render {

namespace {

const QColor kFan(40, 100, 170);
const QColor kFanNow(30, 80, 150, 220);
const QColor kOde(220, 20, 60);
const QColor kDrift(20, 140, 60);
const QColor kNoise(140, 40, 170);

/// A 1-2-5 factor >= 1 that makes the longer arrow at least `minPx` pixels long.
double magnification(double longestPx, double minPx) {
    if (!(longestPx > 0) || longestPx >= minPx) return 1;
    const double need = minPx / longestPx;
    for (double decade = 1;; decade *= 10)
        for (double m : {1.0, 2.0, 5.0})
            if (m * decade >= need) return m * decade;
}

} // namespace

PlotFrame renderSdeFan(QPainter& p, const QRectF& area, const SdeFanView& v,
                       const ViewStyle& style) {
    const double fp = style.fontPx;
    const QString title = QString("SDE fan: %1").arg(QString::fromStdString(v.sampler));
    const QString detail = QString("%1/%2   ").arg(v.frame).arg(v.steps) + timeDetail(v.time);
    const PaneLayout l = layoutPane(p, area, title, detail, style.caption, false, fp);
    const double e = v.box.extent;
    const PlotFrame frame(l.body, -e, e, -e, e, fp);
    p.fillRect(frame.plotRect(), QColor(252, 252, 253));
    drawScatter(p, frame, v.data, QColor(170, 170, 175, 120), 1.5);

    p.save();
    p.setClipRect(frame.plotRect());
    p.setRenderHint(QPainter::Antialiasing, true);
    const int paths = v.paths, frames = paths > 0 ? int(v.fan.size() / std::size_t(2 * paths)) : 0;
    // Segment by segment (fan is [frame][path]), older steps fainter so the recent ones stand out.
    std::vector<QLineF> seg(std::size_t(std::max(0, paths)));
    for (int f = 0; f + 1 < frames; ++f) {
        const float* a = &v.fan[std::size_t(2 * f * paths)];
        const float* b = a + 2 * paths;
        for (int q = 0; q < paths; ++q)
            seg[std::size_t(q)] =
                QLineF(frame.map(a[2 * q], a[2 * q + 1]), frame.map(b[2 * q], b[2 * q + 1]));
        QColor c = kFan;
        c.setAlpha(25 + 125 * (f + 1) / std::max(1, frames - 1));
        p.setPen(QPen(c, 1.0));
        p.drawLines(seg.data(), paths);
    }
    QPolygonF ode;
    for (std::size_t i = 0; i + 1 < v.ode.size(); i += 2) ode << frame.map(v.ode[i], v.ode[i + 1]);
    p.setPen(QPen(kOde, 2.6));
    p.drawPolyline(ode);
    p.restore();
    if (frames > 0) {
        const std::vector<float> now(v.fan.end() - 2 * paths, v.fan.end());
        p.save();
        p.setClipRect(frame.plotRect());
        p.setRenderHint(QPainter::Antialiasing, true);
        p.setPen(QPen(Qt::white, 0.8));
        p.setBrush(kFanNow);
        for (std::size_t i = 0; i + 1 < now.size(); i += 2)
            p.drawEllipse(frame.map(now[i], now[i + 1]), 2.8, 2.8);
        p.restore();
    }
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    if (!ode.isEmpty()) {
        p.setPen(QPen(Qt::black, 1));
        p.setBrush(Qt::white);
        p.drawEllipse(ode.front(), 4, 4); // x_T
        p.setBrush(kOde);
        p.drawEllipse(ode.back(), 4, 4);
    }
    p.restore();

    // The next step's two parts, tip to tail: drift from the mean, then the noise from its tip.
    double magnify = 1;
    if (v.mean.size() == 2 && v.drift.size() == 2 && v.noise.size() == 2) {
        const double longest = frame.scale() * std::max(std::hypot(v.drift[0], v.drift[1]),
                                                        std::hypot(v.noise[0], v.noise[1]));
        magnify = magnification(longest, 3.0 * fp);
        const QPointF a = frame.map(v.mean[0], v.mean[1]);
        const QPointF b =
            frame.map(v.mean[0] + magnify * v.drift[0], v.mean[1] + magnify * v.drift[1]);
        const QPointF c = frame.map(v.mean[0] + magnify * (v.drift[0] + v.noise[0]),
                                    v.mean[1] + magnify * (v.drift[1] + v.noise[1]));
        p.save();
        p.setClipRect(frame.plotRect());
        drawArrow(p, a, b, QPen(kDrift, 2.6), 0.7 * fp);
        drawArrow(p, b, c, QPen(kNoise, 2.6), 0.7 * fp);
        p.setRenderHint(QPainter::Antialiasing, true);
        p.setPen(QPen(Qt::black, 1));
        p.setBrush(QColor(255, 200, 0));
        p.drawEllipse(a, 2.5, 2.5); // inside the x_T marker at frame 0
        p.restore();
    }
    frame.drawAxes(p);
    const QString times = magnify > 1 ? QString(" (\u00d7%1)").arg(magnify) : QString();
    std::vector<LegendItem> legend{
        {QString("%1 paths with fixed noise (%2), fainter when older")
             .arg(paths)
             .arg(QString::fromStdString(v.knob)),
         kFanNow, Qt::SolidLine, 1.2},
        {"ODE path from the same x_T (no noise)", kOde, Qt::SolidLine, 2.6},
        {"next step's drift at the fan's mean" + times, kDrift, Qt::SolidLine, 2.4, true},
        {"next step's noise" + times, kNoise, Qt::SolidLine, 2.4, true}};
    if (v.drift.empty()) legend.resize(2);
    if (v.frame > 0 && v.spread <= 1e-9 * e) // no stochasticity: the fan is the ODE path
        legend.push_back(
            {QString("%1: every path is the ODE path").arg(QString::fromStdString(v.knob)),
             QColor(0, 0, 0, 0)});
    if (v.sampler != v.sceneSampler)
        legend.push_back({QString("ddim with eta = 1 stands in for %1 (no noise knob)")
                              .arg(QString::fromStdString(v.sceneSampler)),
                          QColor(0, 0, 0, 0)});
    legend.push_back({QString("white dot: x_T of particle %1; spread (RMS) %2")
                          .arg(v.particle)
                          .arg(shortNumber(v.spread)),
                      QColor(0, 0, 0, 0)});
    drawLegend(p, frame.plotRect(), legend, fp);
    drawCaption(p, l.caption, style.caption, fp);
    return frame;
}

namespace renderers {
ViewRenderer sdeFan() {
    return rendererFor("sde-fan", renderSdeFan);
}
} // namespace renderers

} // namespace dfs::render
