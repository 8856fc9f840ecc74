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

/// The lines top-down in `area`, each wrapped at word boundaries; what does not fit is left
/// out (the table has the numbers).
void textLines(QPainter& p, const QRectF& area, const QStringList& lines, double fp) {
    p.save();
    QFont f = p.font();
    f.setPixelSize(std::max(1, int(0.92 * fp)));
    p.setFont(f);
    p.setPen(QColor(30, 30, 30));
    const QFontMetricsF fm(f);
    const double width = area.width() - fp;
    double y = area.top();
    for (const QString& s : lines) {
        const QRectF need =
            fm.boundingRect(QRectF(0, 0, width, 1e6), Qt::TextWordWrap | Qt::AlignLeft, s);
        if (y + need.height() > area.bottom() + 0.5) break;
        p.drawText(QRectF(area.left() + 0.5 * fp, y, width, need.height()),
                   Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignTop, s);
        y += need.height() + 0.15 * fp;
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
    // The legend: the held-out NLL and how it was computed.
    const bool withExact = !v.exact.empty();
    QStringList lines;
    const QString held = v.heldOutFresh ? QString("%1 fresh draws of the GMM").arg(v.heldOut)
                                        : QString("%1 data points").arg(v.heldOut);
    lines << QString("held-out NLL (%1, noised to t):").arg(held);
    lines << QString("  %1: %2 nats = %3 bits/dim")
                 .arg(model, shortNumber(v.nllModel), shortNumber(v.bpdModel));
    if (withExact)
        lines << QString("  closed form (%1): %2 nats = %3 bits/dim")
                     .arg(ref, shortNumber(v.nllExact), shortNumber(v.bpdExact));
    lines << QString("%1, mean NFE %2, %3 s")
                 .arg(QString::fromStdString(v.solver), shortNumber(v.meanNfe),
                      shortNumber(v.seconds));
    lines << QString::fromStdString(v.trace);
    lines << QString("prior: %1").arg(QString::fromStdString(v.prior));

    // Colour scale of log p: the peak of both maps and kSpanNats below it.
    double hi = valueRange(v.model).second;
    if (withExact) hi = std::max(hi, valueRange(v.exact).second);
    const double lo = hi - kSpanNats;
    // The difference's scale from the cells where the closed form is within that scale (the
    // far tails, tens of nats down, would swamp it).
    double m = 1e-9;
    if (withExact) {
        for (std::size_t i = 0; i < v.difference.values.size(); ++i)
            if (v.exact.values[i] >= lo && std::isfinite(v.difference.values[i]))
                m = std::max(m, double(std::abs(v.difference.values[i])));
        lines
            << QString("difference colours span the cells where log p_t > %1").arg(shortNumber(lo));
    }

    // Wide panes: the three maps in a row over the legend; else 2 x 2 with the legend in the
    // fourth cell.
    const QRectF body = l.body;
    const double diffBarW = withExact ? std::min(6.5 * fp, 0.16 * body.width()) : 0.0;
    const double lineH = 1.35 * fp;
    const bool wide = !withExact || body.width() > 2.2 * body.height();
    const int cols = wide ? (withExact ? 3 : 1) : 2;
    const double w = (body.width() - diffBarW) / cols;
    QRectF cells[3], legend;
    if (wide) {
        const double bandH = lineH * double((lines.size() + 1) / 2) + 0.3 * fp;
        const double h = std::min(body.height() - bandH, w + 2.0 * fp);
        for (int i = 0; i < cols; ++i) cells[i] = QRectF(body.left() + i * w, body.top(), w, h);
        legend = QRectF(body.left(), body.top() + h, body.width() + l.bar.width(),
                        body.bottom() - body.top() - h);
    } else {
        const double h = body.height() / 2;
        cells[0] = QRectF(body.left(), body.top(), w, h - 0.6 * fp);
        cells[1] = QRectF(body.left() + w, body.top(), w, h - 0.6 * fp);
        cells[2] = QRectF(body.left(), body.top() + h, w, h);
        legend = QRectF(body.left() + w + diffBarW + 0.5 * fp, body.top() + h + 1.5 * fp,
                        w - 0.5 * fp, h - 1.5 * fp);
    }
    const double e = v.box.extent;
    const PlotFrame main = panel(p, cells[0], QString("ODE (%1)").arg(model), v.model,
                                 Colormap::Viridis, lo, hi, e, fp, true);
    QRectF besideOf = main.plotRect(); // the log p_t bar's plot
    if (withExact) {
        besideOf = panel(p, cells[1], QString("closed form (%1)").arg(ref), v.exact,
                         Colormap::Viridis, lo, hi, e, fp, false)
                       .plotRect();
        const PlotFrame d = panel(p, cells[2], "ODE \u2212 closed form", v.difference,
                                  Colormap::Magma, -m, m, e, fp, !wide);
        const QRectF plot = d.plotRect();
        drawColorBar(p, barBeside(plot, QRectF(cells[2].right(), plot.top(), diffBarW, 1), fp),
                     Colormap::Magma, -m, m, "difference (nats)", fp);
    }
    // Beside the closed form's plot (or the ODE's); in one row of three, at the pane's right
    // edge (beside the difference's own bar), the plots' height.
    const QRectF bar = wide && withExact
                           ? QRectF(l.bar.left(), besideOf.top(), l.bar.width(), besideOf.height())
                           : barBeside(besideOf, l.bar, fp);
    drawColorBar(p, bar, Colormap::Viridis, lo, hi, "log p_t (nats)", fp);
    if (wide) { // two columns of lines
        const int half = int((lines.size() + 1) / 2);
        textLines(p, QRectF(legend.left(), legend.top(), legend.width() / 2, legend.height()),
                  lines.mid(0, half), fp);
        textLines(p, QRectF(legend.center().x(), legend.top(), legend.width() / 2, legend.height()),
                  lines.mid(half), fp);
    } else {
        textLines(p, legend, lines, fp);
    }
    drawCaption(p, l.caption, style.caption, fp);
    return main;
}

namespace renderers {
ViewRenderer likelihood() {
    return rendererFor("likelihood", renderLikelihood);
}
} // namespace renderers

} // namespace dfs::render
