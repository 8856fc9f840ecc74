// Composition of panes and atomic still files.
#include "app/render/composite.hpp"

#include "app/render/pane_layout.hpp"
#include "core/errors.hpp"
#include "core/io/atomic_file.hpp"

#include <QBuffer>
#include <QSvgGenerator>
#include <algorithm>
#include <cmath>

namespace dfs::render {

double fontForHeight(double height) {
    return std::clamp(height / 42.0, 9.0, 28.0);
}

void paintPanes(QPainter& p, const QSize& size, const std::vector<ViewSnapshot>& panes,
                const QString& caption) {
    p.fillRect(QRect(QPoint(0, 0), size), Qt::white);
    const int n = std::max<int>(1, int(panes.size()));
    // Columns x rows with no empty cell, the panes as near square as the size allows: four
    // views on a landscape page are 2 x 2 (as in the window), two are side by side.
    int cols = n;
    double best = 1e300;
    for (int c = 1; c <= n; ++c) {
        if (n % c) continue;
        const double aspect = (double(size.width()) / c) / (double(size.height()) / (n / c));
        if (std::abs(std::log(aspect)) < best) best = std::abs(std::log(aspect)), cols = c;
    }
    const int rows = n / cols;
    const double w = double(size.width()) / cols;
    ViewStyle style;
    // One caption line under all panes.
    style.fontPx = fontForHeight(std::min<double>(double(size.height()) / rows, w * 1.1));
    const double band = caption.isEmpty() ? 0.0 : 1.6 * style.fontPx;
    const double h = (size.height() - band) / rows;
    for (int k = 0; k < int(panes.size()); ++k)
        renderView(p, QRectF((k % cols) * w, (k / cols) * h, w, h), panes[std::size_t(k)], style);
    drawCaption(p, QRectF(0, rows * h, size.width(), band), caption, style.fontPx);
}

QImage renderPanes(const QSize& size, const std::vector<ViewSnapshot>& panes,
                   const QString& caption) {
    QImage img(size, QImage::Format_ARGB32_Premultiplied);
    QPainter p(&img);
    p.setRenderHint(QPainter::TextAntialiasing, true);
    paintPanes(p, size, panes, caption);
    p.end();
    return img;
}

void savePng(const std::string& path, const QImage& image) {
    QByteArray bytes;
    QBuffer buf(&bytes);
    buf.open(QIODevice::WriteOnly);
    if (!image.save(&buf, "PNG")) throw DataError(path + ": could not encode the PNG image");
    writeFileAtomic(path, std::string_view(bytes.constData(), std::size_t(bytes.size())));
}

void saveSvg(const std::string& path, const QSize& size, const std::vector<ViewSnapshot>& panes,
             const QString& caption) {
    QByteArray bytes;
    QBuffer buf(&bytes);
    buf.open(QIODevice::WriteOnly);
    QSvgGenerator gen;
    gen.setOutputDevice(&buf);
    gen.setSize(size);
    gen.setViewBox(QRect(QPoint(0, 0), size));
    gen.setTitle("Diffuscope");
    gen.setDescription(caption);
    {
        QPainter p(&gen);
        paintPanes(p, size, panes, caption);
    }
    writeFileAtomic(path, std::string_view(bytes.constData(), std::size_t(bytes.size())));
}

} // namespace dfs::render
