// Grids of grayscale images (film strip, sample grid, posterior): column labels above, row labels
// at the left, a caption under each tile; pixels drawn crisp (no smoothing), -1 black, 1 white.
#include "app/render/pane_layout.hpp"
#include "app/render/view_renderers.hpp"

#include <QFontMetricsF>
#include <algorithm>
#include <cmath>

namespace dfs::render {

namespace {

QImage grayImage(const std::vector<float>& pixels, int side) {
    QImage img(side, side, QImage::Format_Grayscale8);
    for (int y = 0; y < side; ++y) {
        uchar* line = img.scanLine(y);
        for (int x = 0; x < side; ++x)
            line[x] = uchar(std::lround(
                std::clamp((pixels[std::size_t(y * side + x)] + 1.0) * 127.5, 0.0, 255.0)));
    }
    return img;
}

} // namespace

PlotFrame renderImageGrid(QPainter& p, const QRectF& area, const ImageGridView& v,
                          const ViewStyle& style) {
    const double fp = style.fontPx;
    const PaneLayout l = layoutPane(p, area, QString::fromStdString(v.title),
                                    QString::fromStdString(v.detail), style.caption, false, fp);
    const int cols = std::max(1, v.columns);
    const int rows =
        std::max<int>(1, int((v.tiles.size() + std::size_t(cols) - 1) / std::size_t(cols)));
    QFont small = p.font();
    small.setPixelSize(std::max(1, int(fp * 0.85)));
    const QFontMetricsF fm(small);
    double rowLabelW = 0;
    for (const auto& r : v.rowLabels)
        rowLabelW = std::max(rowLabelW, fm.horizontalAdvance(QString::fromStdString(r)));
    rowLabelW += rowLabelW > 0 ? 0.6 * fp : 0;
    const bool captions = std::any_of(v.tiles.begin(), v.tiles.end(),
                                      [](const auto& t) { return !t.caption.empty(); });
    const double headerH = v.columnLabels.empty() ? 0 : fm.height() * 1.2;
    const double captionH = captions ? fm.height() * 1.1 : 0;
    const double gap = std::max(2.0, 0.25 * fp);
    const double tile =
        std::max(4.0, std::min((l.body.width() - rowLabelW) / cols - gap,
                               (l.body.height() - headerH) / rows - captionH - gap));
    const double left = l.body.left() + rowLabelW, top = l.body.top() + headerH;
    p.save();
    p.setFont(small);
    p.setPen(QColor(60, 60, 60));
    for (int c = 0; c < cols && c < int(v.columnLabels.size()); ++c)
        p.drawText(QRectF(left + c * (tile + gap) - gap, l.body.top(), tile + 2 * gap, headerH),
                   Qt::AlignHCenter | Qt::AlignBottom,
                   fm.elidedText(QString::fromStdString(v.columnLabels[std::size_t(c)]),
                                 Qt::ElideRight, tile + 2 * gap));
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    for (std::size_t i = 0; i < v.tiles.size(); ++i) {
        const int r = int(i) / cols, c = int(i) % cols;
        const QRectF box(left + c * (tile + gap), top + r * (tile + captionH + gap), tile, tile);
        if (v.side > 0 && v.tiles[i].pixels.size() == std::size_t(v.side) * v.side)
            p.drawImage(box, grayImage(v.tiles[i].pixels, v.side));
        p.setPen(QColor(170, 170, 170));
        p.drawRect(box);
        if (!v.tiles[i].caption.empty()) {
            p.setPen(QColor(60, 60, 60));
            p.drawText(QRectF(box.left() - gap, box.bottom(), tile + 2 * gap, captionH),
                       Qt::AlignHCenter | Qt::AlignTop,
                       fm.elidedText(QString::fromStdString(v.tiles[i].caption), Qt::ElideRight,
                                     tile + 2 * gap));
        }
    }
    p.setPen(QColor(60, 60, 60));
    for (int r = 0; r < rows && r < int(v.rowLabels.size()); ++r)
        p.drawText(
            QRectF(l.body.left(), top + r * (tile + captionH + gap), rowLabelW - 0.3 * fp, tile),
            Qt::AlignRight | Qt::AlignVCenter, QString::fromStdString(v.rowLabels[std::size_t(r)]));
    p.restore();
    drawCaption(p, l.caption, style.caption, fp);
    // The grid has no data coordinates: a unit frame over the tiles.
    return PlotFrame(QRectF(left, top, cols * (tile + gap), rows * (tile + captionH + gap)), 0, 1,
                     0, 1, fp, false);
}

// The film strip, the sample grid and the posterior are all image grids.
namespace renderers {
ViewRenderer filmstrip() {
    return rendererFor("filmstrip", renderImageGrid);
}
ViewRenderer samples() {
    return rendererFor("samples", renderImageGrid);
}
ViewRenderer posterior() {
    return rendererFor("posterior", renderImageGrid);
}
} // namespace renderers

} // namespace dfs::render
