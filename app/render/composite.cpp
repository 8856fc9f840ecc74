// Composition of panes and atomic still files.
#include "app/render/composite.hpp"

#include "app/render/pane_layout.hpp"
#include "core/errors.hpp"
#include "core/io/atomic_file.hpp"

#include <QBuffer>
#include <QSvgGenerator>
#include <algorithm>

namespace dfs::render {

double fontForHeight(double height) { return std::clamp(height / 42.0, 9.0, 28.0); }

void paintPanes(QPainter& p, const QSize& size, const std::vector<ViewSnapshot>& panes,
                const QString& caption) {
    p.fillRect(QRect(QPoint(0, 0), size), Qt::white);
    const int n = std::max<int>(1, int(panes.size()));
    const double w = double(size.width()) / n;
    ViewStyle style;
    style.fontPx = fontForHeight(std::min<double>(size.height(), w * 1.1));
    // One caption line under all panes.
    const double band = caption.isEmpty() ? 0.0 : 1.6 * style.fontPx;
    const double h = size.height() - band;
    for (int k = 0; k < int(panes.size()); ++k)
        renderView(p, QRectF(k * w, 0, w, h), panes[std::size_t(k)], style);
    drawCaption(p, QRectF(0, h, size.width(), band), caption, style.fontPx);
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
