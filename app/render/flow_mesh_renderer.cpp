// The flow-mesh view: a regular grid of lines in the noise carried by the probability-flow ODE
// to the frame's time (diffusion-math.md 1.5). Lines that started horizontal are drawn blue (at
// the bottom) to green (at the top), those that started vertical red (left) to yellow (right),
// so each line can be followed from noise to data: the ODE is a bijection, they never cross.
// Data points encoded to noise and decoded back ride the mesh (black dots); the round-trip error
// is in the title.
#include "app/render/arrows.hpp"
#include "app/render/pane_layout.hpp"
#include "app/render/view_renderers.hpp"
#include "core/scene/views/flow_mesh_data.hpp"

#include <algorithm>

namespace dfs::render {

namespace {

/// Row r of n (bottom to top): blue to green; column c (left to right): red to yellow.
QColor rowColor(int r, int n) {
    return QColor::fromHsvF(0.66 - 0.33 * r / std::max(1, n - 1), 0.85, 0.75, 0.85);
}
QColor columnColor(int c, int n) {
    return QColor::fromHsvF(0.0 + 0.14 * c / std::max(1, n - 1), 0.9, 0.9, 0.85);
}

} // namespace

PlotFrame renderFlowMesh(QPainter& p, const QRectF& area, const FlowMeshView& v,
                         const ViewStyle& style) {
    const double fp = style.fontPx;
    const QString detail = QString("%1/%2   ").arg(v.frame).arg(v.steps) + timeDetail(v.time);
    const PaneLayout l = layoutPane(p, area, "PF-ODE flow: heun", detail, style.caption, false, fp);
    const double e = std::max(v.box.extent, v.frame == 0 ? v.meshHalfWidth * 1.05 : 0.0);
    const PlotFrame frame(l.body, -e, e, -e, e, fp);
    p.fillRect(frame.plotRect(), QColor(252, 252, 253));
    drawScatter(p, frame, v.data, QColor(150, 150, 155, 90), 1.5);
    p.save();
    p.setClipRect(frame.plotRect());
    p.setRenderHint(QPainter::Antialiasing, true);
    const int n = v.lines, m = v.points;
    for (int line = 0; line < 2 * n; ++line) {
        QPolygonF poly;
        for (int k = 0; k < m; ++k) {
            const std::size_t i = std::size_t(2 * (line * m + k));
            if (i + 1 < v.mesh.size()) poly << frame.map(v.mesh[i], v.mesh[i + 1]);
        }
        p.setPen(QPen(line < n ? rowColor(line, n) : columnColor(line - n, n), 1.2));
        p.drawPolyline(poly);
    }
    p.restore();
    drawScatter(p, frame, v.carried, QColor(20, 20, 20, 220), 3.0);
    frame.drawAxes(p);
    drawLegend(
        p, frame.plotRect(),
        {{"grid rows at t = 1: blue (bottom) \u2192 green (top)", rowColor(0, 2), Qt::SolidLine, 2},
         {"grid columns at t = 1: red (left) \u2192 yellow (right)", columnColor(0, 2),
          Qt::SolidLine, 2},
         {QString("%1 data points encoded, decoded to here").arg(v.roundTripPoints),
          QColor(20, 20, 20), Qt::DotLine, 3},
         {QString("round trip |dec(enc(x0)) - x0|: mean %1, max %2")
              .arg(shortNumber(v.roundTripMean), shortNumber(v.roundTripMax)),
          QColor(0, 0, 0, 0)}},
        fp);
    drawCaption(p, l.caption, style.caption, fp);
    return frame;
}

namespace renderers {
ViewRenderer flowMesh() {
    return rendererFor("flow-mesh", renderFlowMesh);
}
} // namespace renderers

} // namespace dfs::render
