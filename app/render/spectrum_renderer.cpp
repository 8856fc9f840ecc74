// The spectral view on log-log axes: the data's radially averaged power spectrum, that of
// x_t / alpha = x0 + sigma~ eps, and the flat noise level sigma~^2; a marker where noise takes
// over. Over t the noise floor rises through the spectrum from high to low frequencies: the
// "rising tide" of spectral autoregression (Dieleman 2024; Rissanen et al. 2023).
#include "app/render/pane_layout.hpp"
#include "app/render/view_renderers.hpp"

#include <QPainterPath>
#include <algorithm>
#include <cmath>

namespace dfs::render {

PlotFrame renderSpectrum(QPainter& p, const QRectF& area, const SpectrumView& v,
                         const ViewStyle& style) {
    const double fp = style.fontPx;
    QString detail = timeDetail(v.time);
    if (v.takeover > 0) detail = QString("noise takes over at %1 cycles   ").arg(shortNumber(v.takeover)) + detail;
    const PaneLayout l = layoutPane(p, area, "Spectrum (RAPSD)", detail, style.caption, false, fp);
    double lo = INFINITY, hi = -INFINITY;
    for (const auto* curve : {&v.data, &v.xt})
        for (double y : *curve)
            if (y > 0) lo = std::min(lo, y), hi = std::max(hi, y);
    if (!(lo < hi)) lo = 1e-4, hi = 1;
    const double y0 = std::floor(std::log10(lo)) - 0.1, y1 = std::ceil(std::log10(hi)) + 0.1;
    const double fmax = v.frequency.empty() ? 2 : v.frequency.back();
    const double x0 = -0.05, x1 = std::log10(fmax) + 0.05;
    PlotFrame frame(l.body, x0, x1, y0, y1, fp, false);
    frame.setLogAxes(true, true);
    frame.setAxisTitles("frequency (cycles per image)", "power");
    p.fillRect(frame.plotRect(), QColor(252, 252, 253));
    p.save();
    p.setClipRect(frame.plotRect());
    p.setRenderHint(QPainter::Antialiasing, true);
    auto curve = [&](const std::vector<double>& ys, const QColor& c, Qt::PenStyle style) {
        QPainterPath path;
        bool started = false;
        for (std::size_t i = 0; i < ys.size() && i < v.frequency.size(); ++i) {
            if (!(ys[i] > 0)) continue;
            const QPointF q = frame.map(std::log10(v.frequency[i]), std::log10(ys[i]));
            started ? path.lineTo(q) : path.moveTo(q);
            started = true;
        }
        p.setPen(QPen(c, 2.2, style));
        p.drawPath(path);
    };
    // Noise floor: flat at sigma~^2, shaded below.
    if (v.noise > 0) {
        const double ny = std::isfinite(v.noise) ? std::log10(v.noise) : y1 + 1;
        const QPointF a = frame.map(x0, ny), b = frame.map(x1, y0);
        p.fillRect(QRectF(a, b), QColor(255, 127, 14, 40));
        p.setPen(QPen(QColor(255, 127, 14), 1.6, Qt::DashLine));
        p.drawLine(frame.map(x0, ny), frame.map(x1, ny));
    }
    curve(v.data, QColor(31, 119, 180), Qt::SolidLine);
    curve(v.xt, QColor(44, 160, 44), Qt::SolidLine);
    if (v.takeover > 0) {
        p.setPen(QPen(QColor(200, 30, 30), 1.4, Qt::DotLine));
        const double x = std::log10(v.takeover);
        p.drawLine(frame.map(x, y0), frame.map(x, y1));
    }
    p.restore();
    frame.drawAxes(p);
    // Legend.
    QFont f = p.font();
    f.setPixelSize(std::max(1, int(fp * 0.9)));
    p.setFont(f);
    const QRectF r = frame.plotRect().adjusted(0, 0.3 * fp, -0.5 * fp, 0);
    const struct {
        QString text;
        QColor color;
    } items[] = {{"data x0", QColor(31, 119, 180)},
                 {"x_t / alpha", QColor(44, 160, 44)},
                 {"noise (sigma/alpha)^2", QColor(255, 127, 14)}};
    double y = r.top();
    for (const auto& it : items) {
        p.setPen(it.color);
        p.drawText(QRectF(r.left(), y, r.width(), 1.3 * fp), Qt::AlignRight | Qt::AlignTop, it.text);
        y += 1.2 * fp;
    }
    drawCaption(p, l.caption, style.caption, fp);
    return frame;
}

} // namespace dfs::render
