// icon_png: renders an SVG icon to square PNGs, one per size, for the hicolor icon theme.
// Build-time tool for the package (packaging/CMakeLists.txt); not installed.
//
//   icon_png ICON.svg OUT_DIR NAME SIZE...   writes OUT_DIR/SIZExSIZE/apps/NAME.png
//
// Exit 2 on bad usage, 1 when the SVG does not load or a PNG cannot be written.
#include <QDir>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
    if (argc < 5) {
        std::fprintf(stderr, "usage: icon_png ICON.svg OUT_DIR NAME SIZE...\n");
        return 2;
    }
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    QSvgRenderer svg(QString::fromLocal8Bit(argv[1]));
    if (!svg.isValid()) {
        std::fprintf(stderr, "icon_png: %s: not a readable SVG\n", argv[1]);
        return 1;
    }
    const QString outDir = QString::fromLocal8Bit(argv[2]);
    const QString name = QString::fromLocal8Bit(argv[3]);
    for (int i = 4; i < argc; ++i) {
        char* end = nullptr;
        const long value = std::strtol(argv[i], &end, 10);
        if (end == argv[i] || *end != '\0' || value < 1 || value > 1024) {
            std::fprintf(stderr, "icon_png: size '%s' is not a whole number from 1 to 1024\n",
                         argv[i]);
            return 2;
        }
        const int size = static_cast<int>(value);
        QImage image{size, size, QImage::Format_ARGB32_Premultiplied};
        image.fill(Qt::transparent);
        {
            QPainter painter(&image);
            painter.setRenderHint(QPainter::Antialiasing);
            svg.render(&painter, QRectF(0, 0, size, size));
        }
        const QString dir = QString("%1/%2x%2/apps").arg(outDir).arg(size);
        const QString path = dir + "/" + name + ".png";
        if (!QDir().mkpath(dir) || !image.save(path, "PNG")) {
            std::fprintf(stderr, "icon_png: cannot write %s\n", qPrintable(path));
            return 1;
        }
    }
    return 0;
}
