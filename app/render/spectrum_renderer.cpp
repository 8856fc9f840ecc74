// The spectral view on log-log axes: the data's radially averaged power spectrum, that of
// x_t / alpha = x0 + sigma~ eps, and the flat noise level sigma~^2; a marker where noise takes
// over. Over t the noise floor rises through the spectrum from high to low frequencies: the
// "rising tide" of spectral autoregression (Dieleman 2024; Rissanen et al. 2023).
#include "app/render/pane_layout.hpp"
#include "app/render/view_renderers.hpp"

#include <QFontMetricsF>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

namespace dfs::render {

namespace {

/// The 8x8 DCT coefficients' log10 SNR at t as a heat map (u down, v across), each cell labelled
/// with its reveal time; the colour bar is centred on SNR 1.
void drawDctSnr(QPainter& p, const QRectF& area, const QRectF& bar, const SpectrumView& v,
                double fp) {
    ScalarGrid g;
    g.nx = g.ny = 8;
    g.x0 = g.y0 = 0;
    g.x1 = g.y1 = 8;
    g.values.resize(64);
    for (int u = 0; u < 8; ++u)
        for (int c = 0; c < 8; ++c) // grid row 0 is the bottom: put u = 0 at the top
            g.values[std::size_t((7 - u) * 8 + c)] = float(v.dctLogSnr[std::size_t(u * 8 + c)]);
    const double lim = 3;
    PlotFrame frame(area, 0, 8, 0, 8, fp);
    frame.drawImage(p, gridImage(g, Colormap::Viridis, -lim, lim), 0, 8, 0, 8, false);
    QFont f = p.font();
    f.setPixelSize(std::max(1, int(std::min(fp * 0.75, frame.plotRect().width() / 8 / 3.2))));
    p.save();
    p.setFont(f);
    for (int u = 0; u < 8; ++u)
        for (int c = 0; c < 8; ++c) {
            const double snr = v.dctLogSnr[std::size_t(u * 8 + c)];
            p.setPen(snr > 0.5 ? QColor(20, 20, 20) : QColor(235, 235, 235));
            const QRectF cell(frame.map(c, 8 - u), frame.map(c + 1, 7 - u));
            p.drawText(cell, Qt::AlignCenter,
                       QString::number(v.dctReveal[std::size_t(u * 8 + c)], 'f', 2));
        }
    p.setPen(QColor(60, 60, 60));
    p.drawText(QRectF(frame.plotRect().left(), area.top(), frame.plotRect().width(), 1.4 * fp),
               Qt::AlignHCenter | Qt::AlignTop, "DCT: log10 SNR at t; numbers: reveal time t*");
    p.restore();
    drawColorBar(p, barBeside(frame.plotRect(), bar, fp), Colormap::Viridis, -lim, lim,
                 "log10 SNR of each DCT coefficient", fp);
}

} // namespace

PlotFrame renderSpectrum(QPainter& p, const QRectF& area, const SpectrumView& v,
                         const ViewStyle& style) {
    const double fp = style.fontPx;
    QString detail = timeDetail(v.time);
    if (v.takeover > 0)
        detail = QString("noise takes over at %1   ").arg(countOf(v.takeover, "cycle", "cycles")) +
                 detail;
    const bool dct = v.dctLogSnr.size() == 64;
    const PaneLayout l = layoutPane(p, area, "Spectrum (RAPSD)", detail, style.caption, dct, fp);
    // One y-range at every t, from the data's spectrum alone (x_t's changes with t): from its
    // faintest frequency to two decades above its strongest, so the rising noise floor moves
    // through a still frame instead of rescaling it.
    double lo = INFINITY, hi = -INFINITY;
    for (double y : v.data)
        if (y > 0) lo = std::min(lo, y), hi = std::max(hi, y);
    if (!(lo < hi)) lo = 1e-4, hi = 1;
    const double y0 = std::floor(std::log10(lo)) - 0.1, y1 = std::ceil(std::log10(hi)) + 2.1;
    const double fmax = v.frequency.empty() ? 2 : v.frequency.back();
    const double x0 = -0.05, x1 = std::log10(fmax) + 0.05;
    // With 8x8 images the right part shows the DCT coefficients' SNR at t.
    const QRectF curveArea =
        dct ? QRectF(l.body.left(), l.body.top(), l.body.width() * 0.55, l.body.height()) : l.body;
    PlotFrame frame(curveArea, x0, x1, y0, y1, fp, false);
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
    double y = r.top(), legendW = 0;
    const QFontMetricsF lm(f);
    for (const auto& it : items) legendW = std::max(legendW, lm.horizontalAdvance(it.text));
    // On a light box: the noise floor rises through the legend's corner at large t.
    p.fillRect(QRectF(r.right() - legendW - 0.3 * fp, y, legendW + 0.6 * fp, 3.7 * fp),
               QColor(255, 255, 255, 210));
    for (const auto& it : items) {
        p.setPen(it.color);
        p.drawText(QRectF(r.left(), y, r.width(), 1.3 * fp), Qt::AlignRight | Qt::AlignTop,
                   it.text);
        y += 1.2 * fp;
    }
    if (dct)
        drawDctSnr(p,
                   QRectF(curveArea.right(), l.body.top(), l.body.width() - curveArea.width(),
                          l.body.height()),
                   l.bar, v, fp);
    drawCaption(p, l.caption, style.caption, fp);
    return frame;
}

namespace renderers {
ViewRenderer spectrum() {
    return rendererFor("spectrum", renderSpectrum);
}
} // namespace renderers

} // namespace dfs::render
