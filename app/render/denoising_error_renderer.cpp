// The denoising-error view: MSE(t) of the scene's denoiser against logSNR on a log axis with its
// standard-error band, the Bayes error of the exact or ideal reference (dashed), and the time
// cursor; below, the weight each training target puts on each level relative to x0-MSE
// (diffusion-math.md Sections 1.1 and 2.3).
#include "app/render/curve_plot.hpp"
#include "app/render/pane_layout.hpp"
#include "app/render/view_renderers.hpp"
#include "core/scene/views/denoising_error_data.hpp"

#include <algorithm>
#include <cmath>

namespace dfs::render {

namespace {

const QColor kMse(31, 119, 180), kBayes(214, 39, 40), kCursor(120, 120, 120);

void drawCursor(QPainter& p, const PlotFrame& frame, double x, double y0, double y1) {
    if (!std::isfinite(x)) return;
    p.save();
    p.setClipRect(frame.plotRect());
    p.setPen(QPen(kCursor, 1.4, Qt::DashDotLine));
    p.drawLine(frame.map(x, y0), frame.map(x, y1));
    p.restore();
}

void drawWeights(QPainter& p, const QRectF& area, const DenoisingErrorView& v, double x0, double x1,
                 double fp) {
    const std::vector<double> one(v.logSnr.size(), 1.0);
    auto [lo, hi] = logRange({&one, &v.wEps, &v.wV, &v.wVelocity, &v.wScore}, 0.2);
    lo = std::max(lo, hi - 12); // the score's weight alpha^2/sigma^4 spans many decades
    // A linear axis of log10 values: drawLogCurve maps y to log10 y, and the ticks stay sparse.
    PlotFrame frame(area, x0, x1, lo, hi, fp, false);
    frame.setAxisTitles("logSNR = log(alpha^2 / sigma^2)", "log10 weight");
    p.fillRect(frame.plotRect(), QColor(252, 252, 253));
    const struct {
        const std::vector<double>* w;
        QColor c;
        QString name;
    } curves[] = {{&one, QColor(90, 90, 90), "x0: 1"},
                  {&v.wEps, QColor(44, 160, 44), "eps: SNR"},
                  {&v.wV, QColor(148, 103, 189), "v: (a^2+s^2)^2/s^2"},
                  {&v.wVelocity, QColor(255, 127, 14), "velocity u: (a' - s' a/s)^2"},
                  {&v.wScore, QColor(140, 86, 75), "score: a^2/s^4"}};
    std::vector<LegendEntry> legend;
    for (const auto& c : curves) {
        drawLogCurve(p, frame, v.logSnr, *c.w, QPen(c.c, 1.6));
        legend.push_back({c.name, QPen(c.c, 2)});
    }
    drawCursor(p, frame, v.time.logSnr, lo, hi);
    frame.drawAxes(p);
    drawLegend(p, frame, legend, fp * 0.85, Corner::TopLeft);
}

PlotFrame renderDenoisingError(QPainter& p, const QRectF& area, const DenoisingErrorView& v,
                               const ViewStyle& style) {
    const double fp = style.fontPx;
    QString detail = timeDetail(v.time);
    if (v.mseAtCursor > 0) detail += QString("   MSE %1").arg(shortNumber(v.mseAtCursor));
    const PaneLayout l = layoutPane(p, area, "Denoising error", detail, style.caption, false, fp);
    const double x0 = v.logSnr.empty() ? -1 : v.logSnr.front();
    const double x1 = v.logSnr.size() < 2 ? 1 : v.logSnr.back();
    const QRectF top(l.body.left(), l.body.top(), l.body.width(), l.body.height() * 0.62);
    const QRectF bottom(l.body.left(), top.bottom(), l.body.width(),
                        l.body.height() - top.height());
    std::vector<double> upper(v.mse.size());
    for (std::size_t i = 0; i < v.mse.size(); ++i) upper[i] = v.mse[i] + v.mseSe[i];
    auto [lo, hi] = logRange({&v.mse, &upper, &v.bayes}, 0.15);
    lo = std::max(lo, hi - 6); // a memorising model's error falls to 0 at high logSNR
    PlotFrame frame(top, x0, x1, lo, hi, fp, false);
    frame.setLogAxes(false, true);
    frame.setAxisTitles("logSNR", "error per dimension");
    p.fillRect(frame.plotRect(), QColor(252, 252, 253));
    const double floor = std::pow(10.0, lo - 1);
    drawLogBand(p, frame, v.logSnr, v.mse, v.mseSe, floor, QColor(31, 119, 180, 60));
    drawLogCurve(p, frame, v.logSnr, v.mse, QPen(kMse, 2.2));
    if (!v.bayes.empty()) {
        drawLogBand(p, frame, v.logSnr, v.bayes, v.bayesSe, floor, QColor(214, 39, 40, 50));
        drawLogCurve(p, frame, v.logSnr, v.bayes, QPen(kBayes, 2.0, Qt::DashLine));
    }
    drawCursor(p, frame, v.time.logSnr, lo, hi);
    frame.drawAxes(p);
    std::vector<LegendEntry> legend{
        {QString("MSE E||D - x0||^2/d of %1 (band \u00b1 1 s.e., %2 points)")
             .arg(QString::fromStdString(v.model))
             .arg(v.samples),
         QPen(kMse, 2.2)}};
    if (!v.bayes.empty())
        legend.push_back({v.modelIsReference
                              ? QString("Bayes error E tr Cov[x0|x_t]/d (= the %1 model's MSE)")
                                    .arg(QString::fromStdString(v.reference))
                              : QString("Bayes error of the %1 denoiser (irreducible)")
                                    .arg(QString::fromStdString(v.reference)),
                          QPen(kBayes, 2.0, Qt::DashLine)});
    legend.push_back({"time cursor", QPen(kCursor, 1.4, Qt::DashDotLine)});
    drawLegend(p, frame, legend, fp, Corner::BottomLeft);
    drawWeights(p, bottom, v, x0, x1, fp);
    drawCaption(p, l.caption, style.caption, fp);
    return frame;
}

} // namespace

namespace renderers {
ViewRenderer denoisingError() {
    return rendererFor("denoising-error", renderDenoisingError);
}
} // namespace renderers

} // namespace dfs::render
