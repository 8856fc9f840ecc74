// The autoencoder view: for each shown data point a segment x0 -> x_t (the forward "encoder")
// and x_t -> D(x_t) (the denoiser as "decoder"), with the three point sets in three colours over
// the faint data; the title gives the denoising error MSE(t) (diffusion-math.md Section 1.1).
#include "app/render/curve_plot.hpp"
#include "app/render/pane_layout.hpp"
#include "app/render/view_renderers.hpp"
#include "core/scene/views/autoencoder_data.hpp"

#include <QLineF>
#include <vector>

namespace dfs::render {

namespace {

const QColor kData(31, 119, 180), kNoised(127, 127, 127), kDecoded(214, 39, 40);

void drawSegments(QPainter& p, const PlotFrame& f, const std::vector<float>& a,
                  const std::vector<float>& b, const QColor& c) {
    std::vector<QLineF> lines;
    for (std::size_t i = 0; i + 1 < a.size() && i + 1 < b.size(); i += 2)
        lines.emplace_back(f.map(a[i], a[i + 1]), f.map(b[i], b[i + 1]));
    p.setPen(QPen(c, 0.8));
    p.drawLines(lines.data(), int(lines.size()));
}

PlotFrame renderAutoencoder(QPainter& p, const QRectF& area, const AutoencoderView& v,
                            const ViewStyle& style) {
    if (v.images) return renderImageGrid(p, area, v.grid, style);
    const double fp = style.fontPx;
    const QString detail =
        timeDetail(v.time) +
        QString("   MSE %1 \u00b1 %2").arg(shortNumber(v.mse), shortNumber(v.mseSe));
    const PaneLayout l = layoutPane(p, area, "Autoencoder", detail, style.caption, false, fp);
    const double e = v.box.extent;
    PlotFrame frame(l.body, -e, e, -e, e, fp);
    p.fillRect(frame.plotRect(), QColor(252, 252, 253));
    p.save();
    p.setClipRect(frame.plotRect());
    drawScatter(p, frame, v.data, QColor(215, 215, 220), 2);
    p.setRenderHint(QPainter::Antialiasing, true);
    QColor enc = kData, dec = kDecoded;
    enc.setAlpha(70);
    dec.setAlpha(90);
    drawSegments(p, frame, v.x0, v.xt, enc);
    drawSegments(p, frame, v.xt, v.denoised, dec);
    p.restore();
    drawScatter(p, frame, v.xt, kNoised, 3);
    drawScatter(p, frame, v.x0, kData, 3.5);
    drawScatter(p, frame, v.denoised, kDecoded, 3.5);
    frame.drawAxes(p);
    drawLegend(p, frame,
               {{"data x0", QPen(kData, 2), true},
                {"encoded x_t = alpha x0 + sigma eps", QPen(kNoised, 2), true},
                {QString("decoded D(x_t) by %1").arg(QString::fromStdString(v.model)),
                 QPen(kDecoded, 2), true},
                {"segments x0 -> x_t -> D(x_t)", QPen(QColor(160, 120, 150), 1)}},
               fp * 0.9, Corner::TopLeft);
    drawLegend(p, frame,
               {{QString("MSE E||D(x_t) - x0||^2/d = %1 \u00b1 %2 (%3 points)")
                     .arg(shortNumber(v.mse), shortNumber(v.mseSe))
                     .arg(v.samples),
                 QPen(Qt::NoPen)}},
               fp * 0.9, Corner::BottomRight);
    drawCaption(p, l.caption, style.caption, fp);
    return frame;
}

} // namespace

namespace renderers {
ViewRenderer autoencoder() {
    return rendererFor("autoencoder", renderAutoencoder);
}
} // namespace renderers

} // namespace dfs::render
