// The likelihood view: three heat maps side by side, log p_t of the model by the PF-ODE, the
// closed-form log p_t, and their difference (nats), under one shared colour scale for the first
// two (10 nats below the peak to the peak) and a symmetric one for the difference; a band
// underneath states the held-out NLL in nats and bits per dimension and how it was computed.
#include "app/render/pane_layout.hpp"
#include "app/render/view_renderers.hpp"
#include "core/scene/views/likelihood_data.hpp"

#include <QFontMetricsF>
#include <algorithm>
#include <cmath>

namespace dfs::render {

namespace {

constexpr double kSpanNats = 10; ///< log p colour scale: the peak and this far below it

/// One heat map with a small title above it; returns its frame.
PlotFrame panel(QPainter& p, const QRectF& area, const QString& title, const ScalarGrid& g,
                Colormap map, double lo, double hi, double extent, double fp, bool first) {
    const QRectF rest = drawTitle(p, area, title, "", fp * 0.95);
    PlotFrame frame(rest, -extent, extent, -extent, extent, fp);
    frame.setAxisTitles("x", first ? "y" : ""); // the panels share y; one title, no stray glyphs
    if (!g.empty()) drawGrid(p, frame, g, map, lo, hi);
    frame.drawAxes(p);
    return frame;
}

void textLines(QPainter& p, const QRectF& band, const QStringList& lines, double fp) {
    p.save();
    QFont f = p.font();
    f.setPixelSize(std::max(1, int(fp)));
    p.setFont(f);
    p.setPen(QColor(30, 30, 30));
    const QFontMetricsF fm(f);
    double y = band.top();
    for (const QString& s : lines) {
        p.drawText(QRectF(band.left() + 0.5 * fp, y, band.width() - fp, 1.35 * fp),
                   Qt::AlignVCenter | Qt::AlignLeft, fm.elidedText(s, Qt::ElideRight, band.width() - fp));
        y += 1.35 * fp;
    }
    p.restore();
}

} // namespace

PlotFrame renderLikelihood(QPainter& p, const QRectF& area, const LikelihoodView& v,
                           const ViewStyle& style) {
    const double fp = style.fontPx;
    const QString model = QString::fromStdString(v.modelName);
    const QString ref = QString::fromStdString(v.referenceName);
    const PaneLayout l = layoutPane(p, area, QString("Likelihood by the PF-ODE: %1").arg(model),
                                    timeDetail(v.time), style.caption, true, fp);
    // The text band (legend) under the panels.
    QStringList lines;
    const QString held = v.heldOutFresh ? QString("%1 fresh draws of the GMM").arg(v.heldOut)
                                        : QString("%1 data points").arg(v.heldOut);
    lines << QString("held-out NLL (%1, noised to t): %2 %3 nats = %4 bits/dim")
                 .arg(held, model, shortNumber(v.nllModel), shortNumber(v.bpdModel));
    if (!ref.isEmpty())
        lines.back() += QString(";  closed form (%1) %2 nats = %3 bits/dim")
                            .arg(ref, shortNumber(v.nllExact), shortNumber(v.bpdExact));
    lines << QString("%1, mean NFE %2, %3 s; %4")
                 .arg(QString::fromStdString(v.solver), shortNumber(v.meanNfe),
                      shortNumber(v.seconds), QString::fromStdString(v.trace));
    lines << QString("prior: %1").arg(QString::fromStdString(v.prior));
    const double bandH = 1.35 * fp * lines.size() + 0.3 * fp;
    QRectF body = l.body;
    const QRectF band(body.left(), body.bottom() - bandH, body.width() + l.bar.width(), bandH);
    body.setBottom(band.top());
    QRectF bar = l.bar;
    bar.setBottom(band.top());

    // Colour scale of log p: the peak of both maps and kSpanNats below it.
    double hi = valueRange(v.model).second;
    if (!v.exact.empty()) hi = std::max(hi, valueRange(v.exact).second);
    const double lo = hi - kSpanNats;
    const bool withExact = !v.exact.empty();
    const double diffBarW = withExact ? std::min(6.5 * fp, 0.16 * body.width()) : 0.0;
    const int panels = withExact ? 3 : 1;
    const double w = (body.width() - diffBarW) / panels;
    // Panels about square, centred in the height, so that their titles sit on the plots.
    const double panelH = std::min(body.height(), w + 2.0 * fp);
    body = QRectF(body.left(), body.top() + 0.5 * (body.height() - panelH), body.width(), panelH);
    const double e = v.box.extent;
    const PlotFrame main = panel(p, QRectF(body.left(), body.top(), w, body.height()),
                                 QString("ODE log p_t (%1)").arg(model), v.model,
                                 Colormap::Viridis, lo, hi, e, fp, true);
    if (withExact) {
        panel(p, QRectF(body.left() + w, body.top(), w, body.height()),
              QString("closed form log p_t (%1)").arg(ref), v.exact, Colormap::Viridis, lo, hi, e, fp, false);
        // The difference's scale from the cells where the closed form is within the log p
        // scale (the far tails, tens of nats down, would swamp it).
        double m = 1e-9;
        for (std::size_t i = 0; i < v.difference.values.size(); ++i)
            if (v.exact.values[i] >= lo && std::isfinite(v.difference.values[i]))
                m = std::max(m, double(std::abs(v.difference.values[i])));
        panel(p, QRectF(body.left() + 2 * w, body.top(), w, body.height()),
              QString("difference (scale: where log p_t > %1)").arg(shortNumber(lo)), v.difference, Colormap::Magma, -m, m, e, fp, false);
        drawColorBar(p, QRectF(body.left() + 3 * w, body.top() + 1.6 * fp, diffBarW,
                               body.height() - 1.6 * fp),
                     Colormap::Magma, -m, m, "ODE \u2212 closed form (nats)", fp);
    }
    drawColorBar(p, bar, Colormap::Viridis, lo, hi, "log p_t (nats)", fp);
    textLines(p, band, lines, fp);
    drawCaption(p, l.caption, style.caption, fp);
    return main;
}

namespace renderers {
ViewRenderer likelihood() {
    return rendererFor("likelihood", renderLikelihood);
}
} // namespace renderers

} // namespace dfs::render
