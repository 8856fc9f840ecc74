// The renderers: ticks, colour maps and plot mapping against their definitions; views painted
// where their data says; exports identical to the on-screen renderer and byte-identical across
// runs.
#include "app/render/colormap.hpp"
#include "app/render/composite.hpp"
#include "app/render/plot_frame.hpp"
#include "app/render/scene_export.hpp"
#include "app/render/view_renderers.hpp"
#include "core/backend/cpu_backend.hpp"
#include "core/errors.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_registry.hpp"
#include "core/scene/views/flow_mesh_data.hpp"
#include "core/scene/views/score_data.hpp"
#include "core/scene/views/sde_fan_data.hpp"
#include "core/scene/views/sde_marginal_data.hpp"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace dfs;
using namespace dfs::render;

namespace {

Scene smallScene() {
    Scene s;
    s.data.n = 800;
    s.sampler.steps = 8;
    s.sampler.particles = 500;
    return s;
}

double luminance(QRgb c) {
    return 0.2126 * qRed(c) + 0.7152 * qGreen(c) + 0.0722 * qBlue(c);
}

/// Pixels of the plot (a step of 2) for which `pick` holds.
template <typename F> int countPixels(const QImage& img, const QRectF& plot, F pick) {
    int n = 0;
    for (int y = int(plot.top()) + 1; y < int(plot.bottom()); y += 2)
        for (int x = int(plot.left()) + 1; x < int(plot.right()); x += 2)
            n += pick(img.pixel(x, y));
    return n;
}

/// Whether some pixel within 2 of `at` satisfies `pick`.
template <typename F> bool near(const QImage& img, QPointF at, F pick) {
    for (int dy = -2; dy <= 2; ++dy)
        for (int dx = -2; dx <= 2; ++dx)
            if (pick(img.pixel(at.toPoint() + QPoint(dx, dy)))) return true;
    return false;
}

/// The view painted on a 600 x 600 image.
QImage paintView(const ViewSnapshot& snap, PlotFrame* frame) {
    QImage img(600, 600, QImage::Format_ARGB32_Premultiplied);
    QPainter p(&img);
    *frame = renderView(p, QRectF(0, 0, 600, 600), snap, {});
    return img;
}

QByteArray fileBytes(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class RenderTest : public QObject {
    Q_OBJECT

private slots:
    void ticksAreNice() {
        QCOMPARE(niceTicks(-3, 3, 6), (std::vector<double>{-3, -2, -1, 0, 1, 2, 3}));
        QCOMPARE(niceTicks(0, 1, 5),
                 (std::vector<double>{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1}));
        QVERIFY(niceTicks(1, 1).empty());
        const auto t = niceTicks(-10.5, 2.5, 4);
        QCOMPARE(t.front(), -10.0);
        QCOMPARE(t[1] - t[0], 2.0); // 13 / 4 = 3.25 rounds to the 1-2-5 step 2
    }

    void colourMapsRiseInLightness() {
        QCOMPARE(colormapColor(Colormap::Viridis, 0), qRgb(68, 1, 84));
        QCOMPARE(colormapColor(Colormap::Viridis, 1), qRgb(253, 231, 37));
        QCOMPARE(colormapColor(Colormap::Magma, 2.0), colormapColor(Colormap::Magma, 1.0));
        for (Colormap m : {Colormap::Viridis, Colormap::Magma})
            for (int k = 1; k <= 64; ++k)
                QVERIFY(luminance(colormapColor(m, k / 64.0)) >
                        luminance(colormapColor(m, (k - 1) / 64.0)));
    }

    void plotFrameMapsBothWays() {
        const PlotFrame f(QRectF(0, 0, 500, 400), -3, 3, -3, 3, 12);
        QCOMPARE(f.plotRect().width(), f.plotRect().height()); // 1:1 aspect
        const QPointF p = f.map(1.25, -2);
        const QPointF back = f.unmap(p);
        QVERIFY(std::abs(back.x() - 1.25) < 1e-9 && std::abs(back.y() + 2) < 1e-9);
        QVERIFY(f.map(0, 3).y() < f.map(0, -3).y()); // y grows upwards
    }

    void gridImagePutsRowZeroAtTheBottom() {
        ScalarGrid g;
        g.nx = 2;
        g.ny = 2;
        g.values = {0, 0, 1, 1}; // bottom row 0, top row 1
        const QImage img = gridImage(g, Colormap::Viridis, 0, 1);
        QCOMPARE(img.pixel(0, 0), colormapColor(Colormap::Viridis, 1));
        QCOMPARE(img.pixel(0, 1), colormapColor(Colormap::Viridis, 0));
    }

    void theHighlightedPathEndsWhereTheParticleIs() {
        CpuBackend backend(1);
        Scene s = smallScene();
        s.view.highlight = 5;
        SceneEngine e(s, backend);
        e.runToEnd();
        const TrajectoryView v = e.trajectoryView(e.recordedFrames() - 1);
        QImage img(600, 600, QImage::Format_ARGB32_Premultiplied);
        QPainter p(&img);
        const PlotFrame f =
            renderView(p, QRectF(0, 0, 600, 600), ViewSnapshot("trajectories", v), {});
        p.end();
        const QPointF end =
            f.map(v.highlightPath[v.highlightPath.size() - 2], v.highlightPath.back());
        // A crimson disc of radius 4 around the particle's last position.
        int crimson = 0;
        for (int dy = -2; dy <= 2; ++dy)
            for (int dx = -2; dx <= 2; ++dx) {
                const QRgb c = img.pixel(end.toPoint() + QPoint(dx, dy));
                crimson += qRed(c) > 180 && qGreen(c) < 90 && qBlue(c) < 110;
            }
        QVERIFY2(crimson >= 12, qPrintable(QString("only %1 crimson pixels").arg(crimson)));
    }

    void arrowsAreDrawnOnlyInsideThePlot() {
        CpuBackend backend(1);
        SceneEngine e(smallScene(), backend);
        FieldView v = e.fieldView(0.5);
        FieldView still = v;
        std::fill(still.vec.begin(), still.vec.end(), 0.0f);
        auto paint = [](const FieldView& fv, PlotFrame* frame) {
            QImage img(500, 500, QImage::Format_ARGB32_Premultiplied);
            QPainter p(&img);
            *frame = renderView(p, QRectF(0, 0, 500, 500), ViewSnapshot("field", fv), {});
            return img;
        };
        PlotFrame f(QRectF(), -1, 1, -1, 1, 10);
        const QImage with = paint(v, &f), without = paint(still, &f);
        const QRect plot = f.plotRect().toRect();
        long inside = 0, outside = 0;
        for (int y = 0; y < 500; ++y)
            for (int x = 0; x < 500; ++x)
                (plot.contains(x, y) ? inside : outside) += with.pixel(x, y) != without.pixel(x, y);
        QVERIFY(inside > 2000);
        QCOMPARE(outside, 0L);
    }

    void exportedFramesAreTheScreenFrames() {
        CpuBackend backend(1);
        SceneEngine e(smallScene(), backend);
        QTemporaryDir dir;
        ExportRequest r;
        r.out = (dir.path() + "/seq/").toStdString();
        r.views = {"trajectories", "density"};
        r.size = QSize(640, 320);
        r.frames = 3;
        const ExportResult res = exportScene(e, r);
        QCOMPARE(res.frames, 3);
        QCOMPARE(QDir(dir.path() + "/seq").entryList(QDir::Files).size(), 3);
        // Frame 1 of 3 is run frame 4 of 8: render it as the GUI would and compare pixels.
        const QString caption = QString::fromStdString(sceneCaption(e.scene())) +
                                QString(", t = %1").arg(e.frame(4)->t, 0, 'g', 4);
        const QImage screen = renderPanes(
            r.size, {makeSnapshot(e, "trajectories", 4, 0), makeSnapshot(e, "density", 4, 0)},
            caption);
        const QImage file(dir.path() + "/seq/frame_00001.png");
        QCOMPARE(file.size(), r.size);
        QCOMPARE(file.convertToFormat(QImage::Format_ARGB32),
                 screen.convertToFormat(QImage::Format_ARGB32));
    }

    void rangesPickFramesAndTimes() {
        CpuBackend backend(1);
        SceneEngine e(smallScene(), backend);
        QTemporaryDir dir;
        ExportRequest r;
        r.out = (dir.path() + "/run/").toStdString();
        r.size = QSize(64, 64);
        r.range = {{2, 5}};
        QCOMPARE(exportScene(e, r).frames, 4); // frames 2, 3, 4, 5
        const QImage third(dir.path() + "/run/frame_00002.png");
        const QImage want = renderPanes(r.size, {makeSnapshot(e, "trajectories", 4, 0)},
                                        QString::fromStdString(sceneCaption(e.scene())) +
                                            QString(", t = %1").arg(e.frame(4)->t, 0, 'g', 4));
        QCOMPARE(third.convertToFormat(QImage::Format_ARGB32),
                 want.convertToFormat(QImage::Format_ARGB32));
        r.range = {{5, 2}};
        QVERIFY_THROWS_EXCEPTION(UsageError, exportScene(e, r));
        r.range = {{0, 9}}; // the run has frames 0..8
        QVERIFY_THROWS_EXCEPTION(UsageError, exportScene(e, r));
        // A sweep runs backwards, from noise to data, when the range says so.
        r.out = (dir.path() + "/sweep/").toStdString();
        r.views = {"chain"};
        r.range = {{1.0, 0.0}};
        r.frames = 3;
        QCOMPARE(exportScene(e, r).frames, 3);
        const QImage last(dir.path() + "/sweep/frame_00002.png");
        const QImage atZero =
            renderPanes(r.size, {makeSnapshot(e, "chain", 8, 0.0)},
                        QString::fromStdString(sceneCaption(e.scene())) + ", t = 0");
        QCOMPARE(last.convertToFormat(QImage::Format_ARGB32),
                 atZero.convertToFormat(QImage::Format_ARGB32));
    }

    void sameSceneSameBytes() {
        QTemporaryDir dir;
        for (int k = 0; k < 2; ++k) {
            CpuBackend backend(k + 1); // thread count must not matter either
            SceneEngine e(smallScene(), backend);
            ExportRequest r;
            r.out = (dir.path() + QString("/still%1.png").arg(k)).toStdString();
            r.views = {"chain", "field"};
            r.size = QSize(700, 350);
            exportScene(e, r);
        }
        const QByteArray a = fileBytes(dir.path() + "/still0.png");
        QVERIFY(a.size() > 1000);
        QCOMPARE(a, fileBytes(dir.path() + "/still1.png"));
    }

    void badExportsAreRefused() {
        CpuBackend backend(1);
        SceneEngine e(smallScene(), backend);
        QTemporaryDir dir;
        ExportRequest r;
        r.out = (dir.path() + "/x.bmp").toStdString();
        QVERIFY_THROWS_EXCEPTION(UsageError, exportScene(e, r));
        r.out = (dir.path() + "/x.png").toStdString();
        r.size = QSize(5, 5);
        QVERIFY_THROWS_EXCEPTION(UsageError, exportScene(e, r));
        r.size = QSize(101, 100);
        r.out = (dir.path() + "/x.mp4").toStdString();
        QVERIFY_THROWS_EXCEPTION(UsageError, exportScene(e, r));
        r.size = QSize(100, 100);
        r.out = (dir.path() + "/x.gif").toStdString();
        r.frames = 0;
        QVERIFY_THROWS_EXCEPTION(UsageError, exportScene(e, r));
        r.out = "/nonexistent-folder/x.png";
        r.frames.reset();
        QVERIFY_THROWS_EXCEPTION(DataError, exportScene(e, r));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 0);
    }

    void aPngSequenceIsAllOrNothing() {
        CpuBackend backend(1);
        SceneEngine e(smallScene(), backend);
        QTemporaryDir dir;
        ExportRequest r;
        r.out = (dir.path() + "/seq/").toStdString();
        r.views = {"chain"};
        r.size = QSize(48, 48);
        r.frames = 5;
        exportScene(e, r);
        QCOMPARE(QDir(dir.path() + "/seq").entryList(QDir::Files).size(), 5);
        r.frames = 3; // a shorter sequence replaces the longer one
        exportScene(e, r);
        QCOMPARE(QDir(dir.path() + "/seq").entryList(QDir::Files).size(), 3);
        r.out = (dir.path() + "/cancelled/").toStdString();
        r.frames = 6;
        QVERIFY_THROWS_EXCEPTION(ExportCancelled,
                                 exportScene(e, r, [](int done, int) { return done < 4; }));
        QCOMPARE(QDir(dir.path() + "/cancelled").entryList(QDir::Files).size(), 0);
        // A t sweep does not run the sampler.
        QCOMPARE(e.recordedFrames(), 1);
    }

    void aCancelledExportLeavesNoFile() {
        CpuBackend backend(1);
        SceneEngine e(smallScene(), backend);
        QTemporaryDir dir;
        ExportRequest r;
        r.out = (dir.path() + "/anim.gif").toStdString();
        r.size = QSize(200, 200);
        QVERIFY_THROWS_EXCEPTION(ExportCancelled,
                                 exportScene(e, r, [](int done, int) { return done < 3; }));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 0);
    }

    void theScoreViewDrawsTheReferenceArrowsOnlyForALearnedModel() {
        CpuBackend backend(1);
        SceneEngine e(smallScene(), backend);
        ScoreView v = makeSnapshot(e, "score", 0, 0.3).as<ScoreView>();
        QVERIFY(v.reference.empty()); // the exact model is its own reference
        auto orange = [](QRgb c) {
            return qRed(c) > 200 && qGreen(c) > 100 && qGreen(c) < 190 && qBlue(c) < 90;
        };
        PlotFrame f(QRectF(), -1, 1, -1, 1, 10);
        const QImage exact = paintView(ViewSnapshot("score", v), &f);
        QCOMPARE(countPixels(exact, f.plotRect(), orange), 0);
        // A learned model's view: the reference's arrows in orange, where the reference points.
        v.reference = v.model;
        for (std::size_t i = 0; i < v.reference.size(); ++i) v.reference[i] *= 1.2f;
        v.referenceName = "exact";
        const QImage learned = paintView(ViewSnapshot("score", v), &f);
        QVERIFY2(countPixels(learned, f.plotRect(), orange) > 200,
                 qPrintable(QString::number(countPixels(learned, f.plotRect(), orange))));
    }

    void theFanEndsItsOdePathInACrimsonDiscAndDrawsTheStep() {
        CpuBackend backend(1);
        Scene s = smallScene();
        s.sampler.sampler = "ddim";
        s.sampler.options.eta = 1;
        SceneEngine e(s, backend);
        e.runToEnd();
        const SdeFanView v = makeSnapshot(e, "sde-fan", 4, 0).as<SdeFanView>();
        QCOMPARE(v.ode.size(), std::size_t(2 * 5));
        PlotFrame f(QRectF(), -1, 1, -1, 1, 10);
        const QImage img = paintView(ViewSnapshot("sde-fan", v), &f);
        auto crimson = [](QRgb c) { return qRed(c) > 180 && qGreen(c) < 90 && qBlue(c) < 110; };
        QVERIFY(near(img, f.map(v.ode[8], v.ode[9]), crimson));
        // The drift arrow (green) starts at the fan's mean (the yellow dot covers its tail).
        auto green = [](QRgb c) { return qGreen(c) > 110 && qRed(c) < 80 && qBlue(c) < 110; };
        QVERIFY(countPixels(img, f.plotRect(), green) > 5);
        auto yellow = [](QRgb c) { return qRed(c) > 230 && qGreen(c) > 180 && qBlue(c) < 60; };
        QVERIFY(near(img, f.map(v.mean[0], v.mean[1]), yellow));
    }

    void theMarginalDrawsContoursOfPt() {
        CpuBackend backend(1);
        SceneEngine e(smallScene(), backend);
        e.runToEnd();
        SdeMarginalView v = makeSnapshot(e, "sde-marginal", 4, 0).as<SdeMarginalView>();
        auto cyan = [](QRgb c) { return qBlue(c) > 180 && qGreen(c) > 160 && qRed(c) < 150; };
        PlotFrame f(QRectF(), -1, 1, -1, 1, 10);
        const QImage with = paintView(ViewSnapshot("sde-marginal", v), &f);
        const int lines = countPixels(with, f.plotRect(), cyan);
        std::fill(v.exact.values.begin(), v.exact.values.end(), 0.0f);
        const QImage without = paintView(ViewSnapshot("sde-marginal", v), &f);
        // Cyan only in the legend's sample without p_t; the five contours with it.
        QVERIFY2(lines > countPixels(without, f.plotRect(), cyan) + 200,
                 qPrintable(QString::number(lines)));
    }

    void theMeshLinesKeepTheirRowAndColumnColours() {
        CpuBackend backend(1);
        SceneEngine e(smallScene(), backend);
        e.runToEnd();
        for (int frame : {0, 8}) {
            const FlowMeshView v = makeSnapshot(e, "flow-mesh", frame, 0).as<FlowMeshView>();
            PlotFrame f(QRectF(), -1, 1, -1, 1, 10);
            const QImage img = paintView(ViewSnapshot("flow-mesh", v), &f);
            // The middle point of the bottom row (line 0) is blue; of the right column, yellow.
            const std::size_t bottom = std::size_t(2 * 16),
                              right = std::size_t(2 * ((2 * v.lines - 1) * v.points + 16));
            auto blue = [](QRgb c) { return qBlue(c) > qRed(c) + 60 && qBlue(c) > qGreen(c); };
            auto yellow = [](QRgb c) { return qRed(c) > 150 && qGreen(c) > 120 && qBlue(c) < 90; };
            QVERIFY2(near(img, f.map(v.mesh[bottom], v.mesh[bottom + 1]), blue),
                     qPrintable(QString::number(frame)));
            QVERIFY2(near(img, f.map(v.mesh[right], v.mesh[right + 1]), yellow),
                     qPrintable(QString::number(frame)));
        }
    }

    void everyViewHasItsRenderer() {
        // The same names, in the same order, in the core's view registry and the renderers'.
        std::vector<std::string> renderers;
        for (const ViewRenderer& r : viewRenderers()) renderers.push_back(r.view);
        QCOMPARE(renderers, viewNames());
        QVERIFY_THROWS_EXCEPTION(std::logic_error, findRenderer("nope"));
        // Each view's builder, on a tiny scene of its data kind, returns the data type its
        // renderer paints, and the renderer draws on a white pane.
        CpuBackend backend(1);
        for (bool images : {false, true}) {
            Scene s;
            s.data.n = 100;
            s.sampler.steps = 2;
            s.sampler.particles = 20;
            if (images) {
                s.data.dataset = "shapes";
                s.data.resolution = 8;
                s.data.n = 20;
                s.model.denoiser = "ideal";
                s.sampler.particles = 3;
            }
            SceneEngine e(s, backend);
            e.runToEnd();
            for (const ViewInfo& v : viewRegistry()) {
                if (!v.fits(images)) continue;
                const ViewSnapshot snap = makeSnapshot(e, v.name, e.recordedFrames() - 1, 0.3);
                QVERIFY2(snap.type() == findRenderer(v.name).data, v.name.c_str());
                QImage img(300, 240, QImage::Format_ARGB32_Premultiplied);
                img.fill(Qt::black);
                QPainter p(&img);
                renderView(p, QRectF(0, 0, 300, 240), snap, ViewStyle{});
                p.end();
                QCOMPARE(img.pixel(1, 1), qRgb(255, 255, 255)); // the white background
                int dark = 0;
                for (int y = 0; y < img.height(); y += 2)
                    for (int x = 0; x < img.width(); x += 2)
                        dark += luminance(img.pixel(x, y)) < 128;
                QVERIFY2(dark > 20, v.name.c_str()); // it drew something
            }
        }
        // A snapshot whose data is not its renderer's type is refused, not misread.
        QVERIFY_THROWS_EXCEPTION(std::logic_error, [] {
            QImage img(50, 50, QImage::Format_ARGB32_Premultiplied);
            QPainter p(&img);
            renderView(p, QRectF(0, 0, 50, 50), ViewSnapshot("chain", FieldView{}), ViewStyle{});
        }());
    }
};

QTEST_MAIN(RenderTest)
#include "test_render.moc"
