// The sampling-spectrum view: above, on log-log axes, the power spectra of the data, of the
// canvas x_i / alpha and of x0_hat at the shown frame, with the noise floor (sigma/alpha)^2 and
// the frequency below which the data beat it; below, x0_hat's power over the data's per
// frequency: it reaches 1 at low frequencies first (Dieleman 2024, spectral autoregression).
#include "app/render/curve_plot.hpp"
#include "app/render/pane_layout.hpp"
#include "app/render/view_renderers.hpp"
#include "core/scene/views/sampling_spectrum_data.hpp"

#include <algorithm>
#include <cmath>

namespace dfs::render {

namespace {

const QColor kData(31, 119, 180), kCanvas(150, 150, 150), kX0(214, 39, 40), kNoise(255, 127, 14),
    kDecided(44, 160, 44);

std::vector<double> logOf(const std::vector<double>& f) {
    std::vector<double> out;
    for (double x : f) out.push_back(std::log10(x));
    return out;
}

/// The vertical line at the decided frequency over a frame.
void decidedLine(QPainter& p, const PlotFrame& frame, double decided, double y0, double y1) {
    if (decided <= 0) return;
    p.setPen(QPen(kDecided, 1.6, Qt::DashDotLine));
    p.drawLine(frame.map(std::log10(decided), y0), frame.map(std::log10(decided), y1));
}

PlotFrame renderSamplingSpectrum(QPainter& p, const QRectF& area, const SamplingSpectrumView& v,
                                 const ViewStyle& style) {
    const double fp = style.fontPx;
    const QString detail = QString("%1/%2   %3   %4 particles")
                               .arg(v.frame)
                               .arg(v.frames - 1)
                               .arg(timeDetail(v.time))
                               .arg(v.particles);
    const PaneLayout l =
        layoutPane(p, area, "Spectra while sampling", detail, style.caption, false, fp);
    const std::vector<double> lf = logOf(v.frequency);
    const double x0 = lf.empty() ? 0 : lf.front() - 0.05, x1 = lf.empty() ? 1 : lf.back() + 0.05;
    // Top: the spectra.
    const QRectF top(l.body.left(), l.body.top(), l.body.width(), l.body.height() * 0.6);
    const std::vector<double> floor(v.frequency.size(), v.noise);
    // One power range on every frame, from the data's spectrum alone: two decades below it
    // (x0_hat's high frequencies start far below) and four above (room for the canvas and the
    // noise floor at sigma~ up to ~100), so the curves move through a still frame.
    auto [y0, y1] = logRange({&v.data}, 0.0);
    y0 -= 2.0, y1 += 4.0;
    PlotFrame spectra(top, x0, x1, y0, y1, fp, false);
    spectra.setLogAxes(true, true);
    spectra.setAxisTitles("frequency (cycles per image)", "power");
    p.fillRect(spectra.plotRect(), QColor(252, 252, 253));
    p.save();
    p.setClipRect(spectra.plotRect());
    p.setRenderHint(QPainter::Antialiasing, true);
    if (v.noise > 0) drawLogCurve(p, spectra, lf, floor, QPen(kNoise, 1.6, Qt::DashLine));
    drawLogCurve(p, spectra, lf, v.data, QPen(kData, 2.4));
    if (!v.canvas.empty()) drawLogCurve(p, spectra, lf, v.canvas, QPen(kCanvas, 1.8));
    drawLogCurve(p, spectra, lf, v.x0Hat, QPen(kX0, 2.2));
    decidedLine(p, spectra, v.decided, y0, y1);
    p.restore();
    spectra.drawAxes(p);
    std::vector<LegendEntry> legend{
        {"data x0", QPen(kData, 2.4)},
        {"canvas x_i / alpha", QPen(kCanvas, 1.8)},
        {"x0_hat at this step", QPen(kX0, 2.2)},
        {"noise floor (sigma/alpha)^2", QPen(kNoise, 1.6, Qt::DashLine)}};
    legend.push_back({v.decided > 0 ? QString("decided up to %1 (data above the floor)")
                                          .arg(countOf(v.decided, "cycle", "cycles"))
                                    : QString("nothing decided yet: the floor covers the data"),
                      QPen(kDecided, 1.6, Qt::DashDotLine)});
    drawLegend(p, spectra, legend, fp * 0.85, Corner::BottomLeft);
    // Bottom: x0_hat's power over the data's.
    const QRectF bottom(l.body.left(), top.bottom() + 0.6 * fp, l.body.width(),
                        l.body.bottom() - top.bottom() - 0.6 * fp);
    double top1 = 1.3;
    for (double r : v.ratio) top1 = std::max(top1, std::min(r * 1.05, 3.0));
    PlotFrame ratio(bottom, x0, x1, 0.0, top1, fp, false);
    ratio.setLogAxes(true, false);
    ratio.setAxisTitles("frequency (cycles per image)", "x0_hat power / data's");
    p.fillRect(ratio.plotRect(), QColor(252, 252, 253));
    p.save();
    p.setClipRect(ratio.plotRect());
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(QColor(120, 120, 120), 1.0, Qt::DotLine));
    p.drawLine(ratio.map(x0, 1.0), ratio.map(x1, 1.0));
    QPolygonF line;
    for (std::size_t k = 0; k < lf.size() && k < v.ratio.size(); ++k)
        line << ratio.map(lf[k], std::min(v.ratio[k], top1));
    p.setPen(QPen(kX0, 2.2));
    p.drawPolyline(line);
    decidedLine(p, ratio, v.decided, 0.0, top1);
    p.restore();
    ratio.drawAxes(p);
    drawCaption(p, l.caption, style.caption, fp);
    return spectra;
}

} // namespace

namespace renderers {
ViewRenderer samplingSpectrum() {
    return rendererFor("sampling-spectrum", renderSamplingSpectrum);
}
} // namespace renderers

} // namespace dfs::render
