// Readable plots (issue 15, item 6), checked on the painted pixels: the trajectories' paths as
// many and as opaque as the scene says, colour bars beside their plots and as tall, the spectrum
// on one y-range at every t, titles that fit their pane, and "1 cycle" in the singular.
#include "app/render/colormap.hpp"
#include "app/render/plot_frame.hpp"
#include "app/render/view_renderers.hpp"
#include "core/backend/cpu_backend.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_registry.hpp"

#include <QTest>
#include <optional>

using namespace dfs;
using namespace dfs::render;

namespace {

struct Painted {
    QImage image;
    PlotFrame frame;
};

Painted paint(const ViewSnapshot& snap, QSize size) {
    QImage img(size, QImage::Format_ARGB32_Premultiplied);
    QPainter p(&img);
    const PlotFrame f = renderView(p, QRectF(QPointF(0, 0), QSizeF(size)), snap, {});
    p.end();
    return {img, f};
}

/// The rows and columns right of `fromX` holding a colour bar's end colours exactly: the bar's
/// top (the map at 1) and bottom (the map at 0) rows, and its left column.
struct BarPixels {
    int top = 1 << 30, bottom = -1, left = 1 << 30;
};
BarPixels findBar(const QImage& img, Colormap map, int fromX) {
    const QRgb hi = colormapColor(map, 1.0) | 0xff000000u,
               lo = colormapColor(map, 0.0) | 0xff000000u;
    BarPixels b;
    for (int y = 0; y < img.height(); ++y)
        for (int x = fromX; x < img.width(); ++x) {
            const QRgb c = img.pixel(x, y) | 0xff000000u;
            if (c == hi) b.top = std::min(b.top, y), b.left = std::min(b.left, x);
            if (c == lo) b.bottom = std::max(b.bottom, y), b.left = std::min(b.left, x);
        }
    return b;
}

Scene pointScene() {
    Scene s;
    s.data.n = 600;
    s.sampler.sampler = "em";
    s.sampler.steps = 8;
    s.sampler.particles = 2000;
    return s;
}

/// Pixels in the plot clearly darker than its light background.
int inked(const QImage& img, const QRectF& plot) {
    int n = 0;
    for (int y = int(plot.top()) + 2; y < int(plot.bottom()) - 1; ++y)
        for (int x = int(plot.left()) + 2; x < int(plot.right()) - 1; ++x) {
            const QRgb c = img.pixel(x, y);
            n += 0.2126 * qRed(c) + 0.7152 * qGreen(c) + 0.0722 * qBlue(c) < 200;
        }
    return n;
}

} // namespace

class PlotsTest : public QObject {
    Q_OBJECT

private slots:
    void countsTakeTheirNumber() {
        QCOMPARE(countOf(1, "cycle", "cycles"), QString("1 cycle"));
        QCOMPARE(countOf(2, "cycle", "cycles"), QString("2 cycles"));
        QCOMPARE(countOf(1.5, "cycle", "cycles"), QString("1.5 cycles"));
        QCOMPARE(countOf(0.9999, "cycle", "cycles"), QString("1 cycle")); // as shown
    }

    void aLongTitleStaysInsideItsPane() {
        QImage img(400, 40, QImage::Format_RGB32);
        img.fill(Qt::white);
        QPainter p(&img);
        drawTitle(p, QRectF(0, 0, 150, 40), "Spectra while sampling, a title too long for it",
                  "t 0.5", 12);
        p.end();
        for (int y = 0; y < img.height(); ++y)
            for (int x = 147; x < img.width(); ++x)
                QVERIFY2(img.pixel(x, y) == qRgb(255, 255, 255),
                         qPrintable(QString("ink at %1, %2").arg(x).arg(y)));
    }

    void pathsFollowTheirCountAndOpacity() {
        CpuBackend backend(2);
        SceneEngine e(pointScene(), backend);
        e.runToEnd();
        const int last = e.recordedFrames() - 1;
        auto inkWith = [&](int paths, double opacity) {
            SceneView v = e.scene().view;
            v.paths = paths;
            v.pathOpacity = opacity;
            e.setView(v);
            const Painted pt = paint(makeSnapshot(e, "trajectories", last, 0), QSize(600, 600));
            return inked(pt.image, pt.frame.plotRect());
        };
        const int opaque = inkWith(400, 1.0), faint = inkWith(400, 0.05), none = inkWith(0, 1.0),
                  many = inkWith(2000, 1.0);
        QVERIFY2(opaque > 2 * faint, qPrintable(QString("%1 vs %2").arg(opaque).arg(faint)));
        QVERIFY2(faint >= none, qPrintable(QString("%1 vs %2").arg(faint).arg(none)));
        QVERIFY2(many > opaque, qPrintable(QString("%1 vs %2").arg(many).arg(opaque)));
    }

    void colourBarsSitBesideTheirPlotsAndAreAsTall() {
        CpuBackend backend(2);
        Scene s = pointScene();
        s.sampler.particles = 300;
        SceneEngine e(s, backend);
        e.runToEnd();
        const int last = e.recordedFrames() - 1;
        // Wide panes: the square plots leave room that the bar used to sit beyond.
        const struct {
            const char* view;
            Colormap map;
        } cases[] = {{"trajectories", Colormap::Viridis},
                     {"chain", Colormap::Viridis},
                     {"field", Colormap::Viridis},
                     {"score", Colormap::Viridis},
                     {"density", Colormap::Magma}};
        for (const auto& c : cases) {
            const Painted pt = paint(makeSnapshot(e, c.view, last, 0.4), QSize(1400, 520));
            const QRectF plot = pt.frame.plotRect();
            const BarPixels b = findBar(pt.image, c.map, int(plot.right()) + 2);
            const QString what = QString("%1: plot %2..%3 x %4..%5, bar %6..%7 at x %8")
                                     .arg(c.view)
                                     .arg(plot.top())
                                     .arg(plot.bottom())
                                     .arg(plot.left())
                                     .arg(plot.right())
                                     .arg(b.top)
                                     .arg(b.bottom)
                                     .arg(b.left);
            QVERIFY2(b.bottom > 0, qPrintable(what));
            if (std::string(c.view) == "density") continue; // its bar spans both plots: below
            QVERIFY2(std::abs(b.top - plot.top()) <= 3 && std::abs(b.bottom - plot.bottom()) <= 3,
                     qPrintable(what));
            QVERIFY2(b.left - plot.right() < 2 * 12, qPrintable(what));
        }
        // The density's samples and reference share one bar, beside the right one.
        const Painted d = paint(makeSnapshot(e, "density", last, 0.4), QSize(1400, 520));
        const BarPixels b = findBar(d.image, Colormap::Magma, 1400 / 2 + 100);
        const QRectF first = d.frame.plotRect();
        QVERIFY(std::abs(b.top - first.top()) <= 3 && std::abs(b.bottom - first.bottom()) <= 3);
        QVERIFY(b.left < 1400 - 6.5 * 12 - 4); // not pushed to the pane's edge
    }

    void theSpectrumKeepsOneYRangeAcrossT() {
        CpuBackend backend(1);
        Scene s;
        s.data.dataset = "shapes";
        s.data.resolution = 16;
        s.data.n = 64;
        s.model.denoiser = "ideal";
        s.sampler.steps = 2;
        s.sampler.particles = 4;
        s.view.panes = {"filmstrip", "samples", "spectrum", "posterior"};
        SceneEngine e(s, backend);
        QRectF plot;
        QPointF top, bottom;
        for (double t : {0.05, 0.5, 0.95}) {
            const Painted pt = paint(makeSnapshot(e, "spectrum", 0, t), QSize(600, 450));
            const QRectF r = pt.frame.plotRect();
            const QPointF a = pt.frame.unmap(r.topLeft()), b = pt.frame.unmap(r.bottomLeft());
            if (plot.isNull()) {
                plot = r, top = a, bottom = b;
                continue;
            }
            QCOMPARE(r, plot);
            QCOMPARE(a.y(), top.y());    // the top of the y axis, log10 power
            QCOMPARE(b.y(), bottom.y()); // and its bottom
        }
        // The spectra while sampling likewise keep one power axis from frame to frame.
        e.runToEnd();
        std::optional<QPointF> first;
        for (int frame : {0, 1, e.recordedFrames() - 1}) {
            const Painted pt =
                paint(makeSnapshot(e, "sampling-spectrum", frame, 0), QSize(600, 500));
            const QPointF a = pt.frame.unmap(pt.frame.plotRect().topLeft()),
                          b = pt.frame.unmap(pt.frame.plotRect().bottomLeft());
            if (!first) first = QPointF(a.y(), b.y());
            QCOMPARE(QPointF(a.y(), b.y()), *first);
        }
    }
};

QTEST_MAIN(PlotsTest)
#include "test_plots.moc"
