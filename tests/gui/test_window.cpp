// The main window driven as a user would (offscreen platform): pick a dataset, step the sampler,
// drag a point, save and reload a scene, and feed it broken files. Assertions are on what the
// panes paint and what the inspector shows.
#include "app/gui/export_dialog.hpp"
#include "app/gui/glossary.hpp"
#include "app/gui/inspector.hpp"
#include "app/gui/main_window.hpp"
#include "app/gui/mixture_panel.hpp"
#include "app/gui/perspectives_panel.hpp"
#include "app/gui/user_guide.hpp"
#include "app/gui/view_pane.hpp"
#include "core/backend/cpu_backend.hpp"
#include "core/model/checkpoint.hpp"
#include "core/model/model.hpp"
#include "core/perspectives/perspective.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/samplers/step_jacobian.hpp"
#include "core/scene/builtin_scenes.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/scene_io.hpp"
#include "core/scene/view_registry.hpp"
#include "core/scene/views/rnn_cells_data.hpp"
#include "core/scene/views/sensitivity_data.hpp"
#include "open_window.hpp"
#include "pane_pixels.hpp"
#include "wait_for.hpp"
#ifdef DIFFUSCOPE_HAS_VULKAN
#include "core/vulkan/vulkan_backend.hpp"
#endif

#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QToolButton>
#include <algorithm>
#include <cmath>
#include <fstream>

using namespace dfs;
using namespace dfs::gui;
using dfs::gui::test::changed;
using dfs::gui::test::openTestWindow;
using dfs::gui::test::paneImage;
using dfs::gui::test::waitFor;

namespace {

void send(QWidget* w, QEvent::Type type, QPointF pos, Qt::MouseButtons buttons) {
    QMouseEvent e(type, pos, w->mapToGlobal(pos), Qt::LeftButton, buttons, Qt::NoModifier);
    QCoreApplication::sendEvent(w, &e);
}

} // namespace

class WindowTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<MainWindow> m_w;

    void fresh() {
        m_w = openTestWindow({1400, 900});
        QVERIFY(m_w);
    }
    /// Waits for the next snapshot after `action`.
    template <typename F> void andWait(F action) {
        QSignalSpy spy(m_w.get(), &MainWindow::snapshotShown);
        action();
        QVERIFY(spy.wait(60000));
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
#ifdef DIFFUSCOPE_HAS_VULKAN
        dfs::vk::registerVulkanBackend();
#endif
    }

    void opensTheDefaultScene() {
        fresh();
        const auto s = m_w->snapshot();
        QCOMPARE(s->scene.data.dataset, std::string("gmm8"));
        // One clock: the run opens at its frame nearest the scene's time cursor, mid-run.
        QCOMPARE(s->cursorT, Scene{}.view.t);
        QVERIFY(s->frame > 0 && s->frame < s->totalFrames - 1);
        for (double t : s->grid)
            QVERIFY(std::abs(s->grid[std::size_t(s->frame)] - s->cursorT) <=
                    std::abs(t - s->cursorT));
        for (int i = 0; i < 4; ++i) {
            const QImage img = paneImage(*m_w, i);
            QVERIFY(!img.isNull());
            // Not blank: many distinct colours in every pane.
            QSet<QRgb> colours;
            for (int y = 0; y < img.height(); y += 3)
                for (int x = 0; x < img.width(); x += 3) colours.insert(img.pixel(x, y));
            QVERIFY2(colours.size() > 50, qPrintable(QString("pane %1 looks blank").arg(i)));
        }
        QVERIFY(m_w->inspector()->valuesText().contains("x0_hat"));
    }

    void pickingADatasetRedrawsTheChain() {
        fresh();
        QVERIFY(!m_w->findChild<QComboBox*>("resolution")->isEnabled()); // 2-D data
        const QImage before = paneImage(*m_w, 0);
        auto* combo = m_w->findChild<QComboBox*>("dataset");
        QVERIFY(combo);
        combo->setCurrentText("moons");
        QVERIFY(waitFor([&] { return m_w->scene().data.dataset == "moons"; }));
        QTest::qWait(50);
        // moons has no mixture parameters: the window switched to the ideal denoiser.
        QCOMPARE(m_w->scene().model.denoiser, std::string("ideal"));
        const QImage after = paneImage(*m_w, 0);
        const QRectF plot = m_w->pane(0)->canvas()->plotFrame()->plotRect();
        QVERIFY(changed(before, after, plot.toRect()) > 0.2);
    }

    void imageDataShowsImageViews() {
        fresh();
        auto* combo = m_w->findChild<QComboBox*>("dataset");
        m_w->findChild<QComboBox*>("resolution")->setCurrentIndex(0); // 8 x 8
        combo->setCurrentText("shapes");
        QVERIFY(waitFor([&] { return m_w->scene().data.dataset == "shapes"; }));
        const auto s = m_w->snapshot();
        QCOMPARE(s->scene.data.resolution, 8);
        QCOMPARE(s->scene.sampler.particles, 16L);
        QVERIFY(s->panes[0].holds<ImageGridView>());
        QVERIFY(s->panes[2].holds<SpectrumView>());
        QCOMPARE(m_w->pane(1)->kind(), std::string("samples"));
        QVERIFY(!s->particle); // no 2-D inspector for images
        // Controls that do not apply are off: point editing on images; the image size on 2-D.
        QVERIFY(!m_w->findChild<QToolButton*>("toolBrush")->isEnabled());
        QVERIFY(m_w->findChild<QComboBox*>("resolution")->isEnabled());
        // Live training on images is the U-Net's, at its preset's steps; the MLP width is off.
        auto* steps = m_w->findChild<QSpinBox*>("trainSteps");
        QVERIFY(waitFor([&] { return steps->value() == 4000; }));
        QVERIFY(!m_w->findChild<QComboBox*>("trainWidth")->isEnabled());
        // A click on the third row of the sample grid selects particle 2 for the posterior.
        ViewCanvas* samples = m_w->pane(1)->canvas();
        const QRectF grid = samples->plotFrame()->plotRect();
        send(samples, QEvent::MouseButtonPress,
             QPointF(grid.center().x(), grid.top() + grid.height() * 2.5 / 4), Qt::LeftButton);
        send(samples, QEvent::MouseButtonRelease,
             QPointF(grid.center().x(), grid.top() + grid.height() * 2.5 / 4), Qt::NoButton);
        QVERIFY(waitFor([&] { return m_w->scene().view.highlight == 2; }));
        QVERIFY(m_w->snapshot()->panes[3].as<ImageGridView>().title.find("particle 2") !=
                std::string::npos);
        // Choosing a 2-D view for image data is refused with a message; the panes stay.
        QSignalSpy errors(m_w.get(), &MainWindow::errorShown);
        m_w->findChild<QComboBox*>("paneView0")->setCurrentText("chain");
        QVERIFY(errors.wait(60000));
        QVERIFY(m_w->lastError().contains("chain view shows 2-D points"));
        QCOMPARE(m_w->scene().view.panes[0], std::string("filmstrip"));
        QCOMPARE(m_w->pane(0)->kind(), std::string("filmstrip"));
    }

    void steppingBackAndForward() {
        fresh();
        auto* start = m_w->findChild<QToolButton*>("toStart");
        auto* fwd = m_w->findChild<QToolButton*>("stepForward");
        auto* back = m_w->findChild<QToolButton*>("stepBack");
        QVERIFY(start && fwd && back);
        andWait([&] { start->click(); });
        QCOMPARE(m_w->snapshot()->frame, 0);
        const QImage frame0 = paneImage(*m_w, 2);
        andWait([&] { fwd->click(); });
        QCOMPARE(m_w->snapshot()->frame, 1);
        QVERIFY(m_w->inspector()->valuesText().contains("frame     1"));
        const QImage frame1 = paneImage(*m_w, 2);
        const QRectF plot = m_w->pane(2)->canvas()->plotFrame()->plotRect();
        QVERIFY(changed(frame0, frame1, plot.toRect()) > 0.001);
        // One clock: stepping moves the time cursor to the frame's time.
        QCOMPARE(m_w->snapshot()->cursorT, m_w->snapshot()->grid[1]);
        andWait([&] { back->click(); });
        QCOMPARE(m_w->snapshot()->frame, 0);
        QCOMPARE(m_w->snapshot()->cursorT, std::clamp(m_w->snapshot()->grid[0], 0.0, 1.0));
        // Back through recorded frames gives the same picture as before.
        QCOMPARE(changed(frame0, paneImage(*m_w, 2), plot.toRect()), 0.0);
        // Moving the time cursor shows the run's frame nearest it.
        const std::vector<double> grid = m_w->snapshot()->grid;
        const int mid = int(grid.size()) / 2;
        andWait([&] { m_w->setTimeCursor(grid[std::size_t(mid)] + 1e-4); });
        QCOMPARE(m_w->snapshot()->frame, mid);
        QCOMPARE(m_w->snapshot()->cursorT, grid[std::size_t(mid)] + 1e-4);
    }

    void changedSamplerSettingsAreMarkedUntilRun() {
        fresh();
        auto* stale = m_w->findChild<QLabel*>("samplerStale");
        QVERIFY(stale);
        QVERIFY(stale->isHidden());
        auto* steps = m_w->findChild<QSpinBox*>("steps");
        QVERIFY(steps);
        steps->setValue(steps->value() + 7);
        QVERIFY(!stale->isHidden()); // the panes still show the old run
        QCOMPARE(m_w->scene().sampler.steps, steps->value() - 7);
        andWait([&] { m_w->findChild<QPushButton*>("runSampler")->click(); });
        QVERIFY(waitFor([&] { return m_w->scene().sampler.steps == steps->value(); }));
        QVERIFY(stale->isHidden());
        QVERIFY(m_w->findChild<QWidget*>("busy")->isHidden()); // nothing in flight any more
    }

    void droppingAParticleShowsItInTheInspector() {
        fresh();
        // The default scene opens mid-run (one clock), so there is a run left to follow.
        QVERIFY(m_w->snapshot()->frame < m_w->snapshot()->totalFrames - 1);
        ViewCanvas* canvas = m_w->pane(2)->canvas();
        QCOMPARE(m_w->pane(2)->kind(), std::string("trajectories"));
        const render::PlotFrame frame = *canvas->plotFrame();
        const QPointF empty = frame.map(-2.8, 2.8); // a corner no particle is in
        andWait([&] {
            send(canvas, QEvent::MouseButtonPress, empty, Qt::LeftButton);
            send(canvas, QEvent::MouseButtonRelease, empty, Qt::NoButton);
        });
        QVERIFY(m_w->inspector()->valuesText().contains("particle  dropped"));
        const auto info = m_w->snapshot()->particle;
        QVERIFY(info && info->particle == -1);
        QVERIFY(std::abs(info->x[0] + 2.8) < 0.05 && std::abs(info->x[1] - 2.8) < 0.05);
        // Stepping on, the inspector follows the dropped particle's own run.
        andWait([&] { m_w->findChild<QToolButton*>("stepForward")->click(); });
        QVERIFY(m_w->inspector()->valuesText().contains("particle  dropped"));
        QVERIFY(std::abs(m_w->snapshot()->particle->x[0] + 2.8) > 1e-6);
    }

    void clickingInTheSensitivityViewSetsTheBpttTarget() {
        fresh();
        Scene s = m_w->scene();
        s.sampler.sampler = "ddim";
        s.sampler.steps = 10;
        s.sampler.particles = 200;
        s.view.panes[3] = "sensitivity";
        s.view.frame = -1;
        andWait([&] { m_w->requestScene(s); });
        andWait([&] { m_w->findChild<QToolButton*>("toEnd")->click(); });
        QCOMPARE(m_w->pane(3)->kind(), std::string("sensitivity"));
        const auto* before = m_w->snapshot()->panes[3].get<SensitivityView>();
        QVERIFY(before && before->targetLabel == "data mean");
        const std::vector<double> g0 = before->gradient;
        // A click at (2, -1.5) in the pane, through the canvas as the mouse sends it.
        ViewCanvas* canvas = m_w->pane(3)->canvas();
        const render::PlotFrame frame = *canvas->plotFrame();
        const QPointF at = frame.map(2.0, -1.5);
        andWait([&] {
            send(canvas, QEvent::MouseButtonPress, at, Qt::LeftButton);
            send(canvas, QEvent::MouseButtonRelease, at, Qt::NoButton);
        });
        QVERIFY(m_w->scene().view.target.has_value());
        const auto m = *m_w->scene().view.target;
        QVERIFY(std::abs(m[0] - 2.0) < 0.05 && std::abs(m[1] + 1.5) < 0.05);
        const auto snap = m_w->snapshot();
        const auto* v = snap->panes[3].get<SensitivityView>();
        QVERIFY(v && v->targetLabel == "clicked point");
        QCOMPARE(v->target[0], m[0]);
        // The arrows moved; each is the gradient of ||x_0 - m||^2: a small step of the start
        // noise along minus it lowers the objective (the run retraced from the moved start).
        QVERIFY(v->gradient.size() == g0.size());
        int moved = 0;
        CpuBackend backend(1);
        SceneEngine e(m_w->scene(), backend);
        for (std::size_t p = 0; p < v->particles.size(); p += 6) {
            const Vector g{{v->gradient[2 * p], v->gradient[2 * p + 1]}};
            moved += std::hypot(g[0] - g0[2 * p], g[1] - g0[2 * p + 1]) > 1e-6;
            if (g.norm() < 1e-9) continue;
            const Vector xT{{v->start[2 * p], v->start[2 * p + 1]}};
            const Vector mv{{m[0], m[1]}};
            const auto loss = [&](const Vector& x) {
                const UnrolledJacobian u = unrollJacobians(
                    e.schedule(), e.runConfig(), e.denoiser(), x, std::uint32_t(v->particles[p]));
                return (u.path.back() - mv).squaredNorm();
            };
            QVERIFY(std::abs(loss(xT) - (std::pow(v->end[2 * p] - m[0], 2) +
                                         std::pow(v->end[2 * p + 1] - m[1], 2))) < 1e-9);
            QVERIFY2(loss(xT - (1e-4 / g.norm()) * g) < loss(xT),
                     qPrintable(QString("particle %1").arg(v->particles[p])));
        }
        QVERIFY(moved >= 4);
        // Saved with the scene.
        const QString path = m_dir.filePath("target.json");
        QVERIFY(m_w->saveSceneTo(path));
        const Scene back = loadScene(path.toStdString());
        QVERIFY(back.view.target && (*back.view.target)[0] == m[0]);
    }

    void theModelPanelUntiesTheNetworks() {
        fresh();
        Scene s = m_w->scene();
        s.sampler.sampler = "ddim";
        s.sampler.steps = 10;
        s.view.panes[3] = "rnn-cells";
        andWait([&] { m_w->requestScene(s); });
        auto* split = m_w->findChild<QDoubleSpinBox*>("sigmaSplit");
        auto* below = m_w->findChild<QComboBox*>("denoiserBelow");
        QVERIFY(split && below);
        QVERIFY(!split->isEnabled()); // tied
        split->setValue(0.7);
        andWait([&] { below->setCurrentIndex(below->findData("ideal")); });
        QCOMPARE(m_w->scene().model.denoiserBelow, std::string("ideal"));
        QCOMPARE(m_w->scene().model.sigmaSplit, 0.7);
        const auto* v = m_w->snapshot()->panes[3].get<RnnCellsView>();
        QVERIFY(v && v->networkBelow == "ideal" && v->network == "exact");
        QVERIFY(std::find(v->networkOf.begin(), v->networkOf.end(), 1) != v->networkOf.end());
        QVERIFY(std::find(v->networkOf.begin(), v->networkOf.end(), 0) != v->networkOf.end());
        // Back to tied.
        andWait([&] { below->setCurrentIndex(0); });
        QVERIFY(m_w->scene().model.denoiserBelow.empty());
    }

    void draggingAPointMovesIt() {
        fresh();
        m_w->findChild<QToolButton*>("toolMove")->click();
        QVERIFY(waitFor([&] { return m_w->snapshot()->cursorT == 0.0; }));
        QTest::qWait(50);
        ViewCanvas* canvas = m_w->pane(0)->canvas();
        const render::PlotFrame frame = *canvas->plotFrame();
        const auto& chain = m_w->snapshot()->panes[0].as<ChainView>();
        const double x0 = chain.xy[0], y0 = chain.xy[1];
        const double x1 = -2.5, y1 = 2.6; // an empty corner of gmm8
        const QImage before = canvas->grab().toImage();
        send(canvas, QEvent::MouseButtonPress, frame.map(x0, y0), Qt::LeftButton);
        send(canvas, QEvent::MouseMove, frame.map(0.5 * (x0 + x1), 0.5 * (y0 + y1)),
             Qt::LeftButton);
        send(canvas, QEvent::MouseMove, frame.map(x1, y1), Qt::LeftButton);
        send(canvas, QEvent::MouseButtonRelease, frame.map(x1, y1), Qt::NoButton);
        QVERIFY(waitFor([&] { return m_w->scene().data.points.has_value(); }));
        const Matrix& pts = *m_w->scene().data.points;
        QCOMPARE(pts.rows(), Index(2000));
        QVERIFY(std::abs(pts(0, 0) - x1) < 0.05 && std::abs(pts(0, 1) - y1) < 0.05);
        QCOMPARE(m_w->scene().model.denoiser, std::string("ideal"));
        // The chain pane now has a point in the corner where there was none.
        QTest::qWait(50);
        const QImage after = canvas->grab().toImage();
        const QPoint at = frame.map(x1, y1).toPoint();
        QVERIFY(changed(before, after, QRect(at - QPoint(3, 3), QSize(7, 7))) > 0);
        // Undo puts it back.
        m_w->undoEdit();
        QVERIFY(waitFor([&] {
            const auto& p = m_w->scene().data.points;
            return p && std::abs((*p)(0, 0) - x0) < 1e-6;
        }));
    }

    void exportingFromTheWindow() {
        fresh();
        render::ExportRequest r;
        r.out = m_dir.filePath("window.gif").toStdString();
        r.views = {"trajectories", "density"};
        r.size = QSize(320, 160);
        r.frames = 5;
        QSignalSpy done(m_w.get(), &MainWindow::exportDone);
        m_w->requestExport(r);
        QVERIFY(done.wait(30000));
        QVERIFY2(done.front()[0].toBool(), qPrintable(done.front()[1].toString()));
        QVERIFY(QFile::exists(m_dir.filePath("window.gif")));
        // A bad request is reported, and nothing is written.
        r.out = m_dir.filePath("window.bmp").toStdString();
        m_w->requestExport(r);
        QVERIFY(done.wait(30000));
        QVERIFY(!done.back()[0].toBool());
        QVERIFY(m_w->lastError().contains(".bmp"));
        QVERIFY(!QFile::exists(m_dir.filePath("window.bmp")));
    }

    void theExportDialogBuildsTheRequest() {
        ExportDialog d({"chain", "field", "trajectories", "density"}, 51);
        d.findChild<QCheckBox*>("exportPane3")->setChecked(true); // density, with trajectories
        d.findChild<QLineEdit*>("exportPath")->setText("out.mp4");
        d.findChild<QSpinBox*>("exportFrames")->setValue(12);
        const render::ExportRequest r = d.request();
        QCOMPARE(r.views, (std::vector<std::string>{"trajectories", "density"}));
        QCOMPARE(r.size, QSize(1120, 560));
        QCOMPARE(*r.frames, 12);
        QCOMPARE(r.range->second, 50.0); // in run frames: a run-following pane is chosen
        d.findChild<QCheckBox*>("exportPane2")->setChecked(false);
        d.findChild<QCheckBox*>("exportPane3")->setChecked(false);
        d.findChild<QCheckBox*>("exportPane0")->setChecked(true);
        QCOMPARE(d.request().range->second, 1.0); // a chain alone sweeps t
        // An error about a request from the dialog names its fields, not the CLI's flags.
        fresh();
        render::ExportRequest bad = d.request();
        bad.out = m_dir.filePath("bad.gif").toStdString();
        bad.fps = 1000;
        QSignalSpy done(m_w.get(), &MainWindow::exportDone);
        m_w->requestExport(bad);
        QVERIFY(done.wait(30000));
        QVERIFY(!done.back()[0].toBool());
        QVERIFY2(m_w->lastError().contains("Frame rate must be in"), qPrintable(m_w->lastError()));
        QVERIFY(!m_w->lastError().contains("--"));
    }

    void saveAndReloadAScene() {
        fresh();
        Scene s = m_w->scene();
        s.sampler.sampler = "ddim";
        s.sampler.steps = 12;
        s.view.panes[3] = "field";
        andWait([&] { m_w->requestScene(s); });
        const QString path = m_dir.filePath("scene.json");
        QVERIFY(m_w->saveSceneTo(path));
        const std::string saved = sceneToJson(m_w->scene());
        Scene other = s;
        other.sampler.sampler = "euler";
        andWait([&] { m_w->requestScene(other); });
        QCOMPARE(m_w->scene().sampler.sampler, std::string("euler"));
        andWait([&] { QVERIFY(m_w->openScene(path)); });
        QCOMPARE(sceneToJson(m_w->scene()), saved);
        QCOMPARE(m_w->pane(3)->kind(), std::string("field"));
    }

    void brokenFilesLeaveTheSessionAlone() {
        fresh();
        const std::string before = sceneToJson(m_w->scene());
        const QString badScene = m_dir.filePath("bad.json");
        std::ofstream(badScene.toStdString())
            << "{\"format\": \"diffuscope-scene\", \"version\": 1, "
               "\"sampler\": {\"steps\": -4}}";
        QVERIFY(!m_w->openScene(badScene));
        QVERIFY(m_w->lastError().contains("sampler.steps"));
        QVERIFY(m_w->lastError().contains("bad.json"));
        // JSON that does not parse: where and what, not the library's exception text.
        const QString unparsable = m_dir.filePath("unparsable.json");
        std::ofstream(unparsable.toStdString()) << "{\"format\": \"diffuscope-scene\",\n  tru }";
        QVERIFY(!m_w->openScene(unparsable));
        QVERIFY2(m_w->lastError().contains("unparsable.json: not valid JSON (line 2, column"),
                 qPrintable(m_w->lastError()));
        QVERIFY(!m_w->lastError().contains("json.exception"));
        const QString badCsv = m_dir.filePath("bad.csv");
        std::ofstream(badCsv.toStdString()) << "x,y\n1,2\n3,oops\n";
        QVERIFY(!m_w->importCsv(badCsv));
        QVERIFY(m_w->lastError().contains("bad.csv:3"));
        // A checkpoint of the wrong kind: the worker refuses it and keeps the old engine.
        const QString badModel = m_dir.filePath("model.dsm");
        std::ofstream(badModel.toStdString()) << "this is not a model";
        Scene s = m_w->scene();
        s.model.denoiser = badModel.toStdString();
        QSignalSpy errors(m_w.get(), &MainWindow::errorShown);
        m_w->requestScene(s);
        QVERIFY(errors.wait(60000));
        QVERIFY(m_w->lastError().contains("model.dsm"));
        QCOMPARE(sceneToJson(m_w->scene()), before);
        // And the window still works.
        andWait([&] { m_w->findChild<QToolButton*>("toStart")->click(); });
        QCOMPARE(m_w->snapshot()->frame, 0);
    }

    void editingTheMixtureKeepsTheExactDenoiser() {
        fresh();
        auto* panel = m_w->findChild<MixturePanel*>("mixturePanel");
        QVERIFY(panel && panel->isVisible()); // gmm8 is a mixture
        QCOMPARE(panel->table()->rowCount(), 8);
        m_w->findChild<QCheckBox*>("editComponents")->setChecked(true);
        // Move: component 0's mean (1.5, 0) follows the mouse to (0.2, -0.3).
        m_w->findChild<QToolButton*>("toolMove")->click();
        m_w->editAt(1.45, 0.05, true);
        m_w->editAt(0.2, -0.3, false);
        m_w->finishEdit();
        QVERIFY(waitFor([&] { return m_w->scene().data.mixture.has_value(); }));
        const GmmParams& g = *m_w->scene().data.mixture;
        QCOMPARE(g.size(), 8);
        QCOMPARE(g.means[0][0], 0.2);
        QCOMPARE(g.means[0][1], -0.3);
        QCOMPARE(m_w->scene().model.denoiser, std::string("exact"));
        // Add: a ninth component where the mouse is; the weights still sum to 1.
        m_w->findChild<QToolButton*>("toolAdd")->click();
        m_w->editAt(2.0, 2.0, true);
        m_w->finishEdit();
        QVERIFY(waitFor([&] { return m_w->scene().data.mixture->size() == 9; }));
        double total = 0;
        for (double w : m_w->scene().data.mixture->weights) total += w;
        QVERIFY(std::abs(total - 1.0) < 1e-12);
        // Typed in the table: component 8's weight and spread.
        QVERIFY(waitFor([&] { return panel->table()->rowCount() == 9; }));
        panel->table()->item(8, 3)->setText("0.5");
        QVERIFY(
            waitFor([&] { return std::abs(m_w->scene().data.mixture->weights[8] - 0.5) < 1e-12; }));
        panel->table()->item(8, 2)->setText("0.3");
        QVERIFY(waitFor([&] {
            return std::abs(componentSpread(m_w->scene().data.mixture->covs[8]) - 0.3) < 1e-12;
        }));
        panel->table()->item(8, 2)->setText("wide"); // not a number: put back, nothing sent
        QCOMPARE(panel->table()->item(8, 2)->text(), QString("0.3"));
        // The worker's data are the edited mixture, exact parameters included.
        QVERIFY(waitFor(
            [&] { return m_w->snapshot()->mixture && m_w->snapshot()->mixture->size() == 9; }));
        QVERIFY(m_w->lastError().isEmpty());
    }

    void aLearnedModelMeetsOtherDataWithoutAModal() {
        fresh();
        const std::string path = m_dir.filePath("small.dsm").toStdString();
        ModelSpec spec;
        spec.mean = {0.0, 0.0};
        saveCheckpoint(path, Model(spec), {"gmm8", 1, 0, 0.0});
        Scene s = m_w->scene();
        s.model.denoiser = path;
        andWait([&] { m_w->requestScene(s); });
        QCOMPARE(m_w->scene().model.denoiser, path);
        // Another 2-D dataset: the model stays and the status bar says what it was trained on.
        auto* combo = m_w->findChild<QComboBox*>("dataset");
        combo->setCurrentText("moons");
        QVERIFY(waitFor([&] { return m_w->scene().data.dataset == "moons"; }));
        QCOMPARE(m_w->scene().model.denoiser, path);
        QVERIFY(m_w->statusBar()->currentMessage().contains("was trained on gmm8, not moons"));
        // Image data: the ideal denoiser instead, said in the status bar, no error dialog.
        combo->setCurrentText("shapes");
        QVERIFY(waitFor([&] { return m_w->scene().data.dataset == "shapes"; }));
        QCOMPARE(m_w->scene().model.denoiser, std::string("ideal"));
        QVERIFY(m_w->statusBar()->currentMessage().contains("using the ideal denoiser"));
        QVERIFY(m_w->lastError().isEmpty());
    }

    void trainingLiveSwitchesToTheLearnedModel() {
        fresh();
        m_w->findChild<QComboBox*>("trainPreset")->setCurrentIndex(0);
        QCOMPARE(m_w->findChild<QSpinBox*>("trainSteps")->value(), 2000);
        m_w->findChild<QSpinBox*>("trainSteps")
            ->setValue(2100); // three snapshots: 1000, 2000, the end
        m_w->findChild<QPushButton*>("trainStart")->click();
        QVERIFY(waitFor([&] { return isCheckpointPath(m_w->scene().model.denoiser); }, 60000));
        QVERIFY(waitFor([&] {
            const auto s = m_w->snapshot();
            return s && s->panes[1].holds<FieldView>() &&
                   !s->panes[1].as<FieldView>().error.empty();
        }));
        // The learned field is compared with the exact one (gmm8 has mixture parameters).
        QCOMPARE(m_w->snapshot()->panes[1].as<FieldView>().reference, std::string("exact"));
        // Training to its end: the Denoiser list holds one live model, not one per snapshot.
        QVERIFY(waitFor([&] { return m_w->findChild<QPushButton*>("trainStart")->isEnabled(); },
                        120000));
        auto* denoisers = m_w->findChild<QComboBox*>("denoiser");
        QVERIFY(denoisers);
        int live = 0;
        for (int i = 0; i < denoisers->count(); ++i)
            live += isCheckpointPath(denoisers->itemText(i).toStdString());
        QCOMPARE(live, 1);
        // Saving keeps the trained model beside the scene: the temporary one goes at exit.
        const QString path = m_dir.filePath("trained.json");
        QVERIFY(m_w->saveSceneTo(path));
        const Scene saved = loadScene(path.toStdString());
        QCOMPARE(saved.model.denoiser, m_dir.filePath("trained.dsm").toStdString());
        QVERIFY(QFile::exists(m_dir.filePath("trained.dsm")));
    }

    void trainingGoesToTheChosenBackend() {
        // With the Vulkan backend chosen (its kernels forced onto lavapipe, as the Vulkan tests
        // do) live training runs on the device, and the status bar says where.
        fresh();
        qputenv("DIFFUSCOPE_VULKAN_FORCE_DEVICE", "1");
        andWait([&] { m_w->requestBackend("vulkan"); });
        m_w->findChild<QComboBox*>("trainPreset")->setCurrentIndex(0);
        m_w->findChild<QSpinBox*>("trainSteps")->setValue(200);
        m_w->findChild<QPushButton*>("trainStart")->click();
        QVERIFY(waitFor(
            [&] { return m_w->statusBar()->currentMessage().startsWith("training on"); }, 20000));
        const QString where = m_w->statusBar()->currentMessage();
        QVERIFY2(where.contains("llvmpipe") && !where.startsWith("training on the CPU"),
                 qPrintable(where));
        QVERIFY(waitFor([&] { return isCheckpointPath(m_w->scene().model.denoiser); }, 120000));
        qunsetenv("DIFFUSCOPE_VULKAN_FORCE_DEVICE");
        andWait([&] { m_w->requestBackend("cpu"); });
    }

    void aFailingBackendKeepsTheSession() {
        fresh();
        const std::string before = sceneToJson(m_w->scene());
        qputenv("DIFFUSCOPE_VULKAN_DEVICE", "no-such-gpu");
        QSignalSpy errors(m_w.get(), &MainWindow::errorShown);
        m_w->requestBackend("vulkan");
        QVERIFY(errors.wait(60000));
        qunsetenv("DIFFUSCOPE_VULKAN_DEVICE");
        QVERIFY(m_w->lastError().contains("vulkan"));
        QVERIFY(m_w->lastError().contains("staying on cpu"));
        QCOMPARE(sceneToJson(m_w->scene()), before);
        andWait([&] { m_w->findChild<QToolButton*>("stepBack")->click(); });
        QVERIFY(m_w->snapshot()->backend.startsWith("cpu"));
#ifdef DIFFUSCOPE_HAS_VULKAN
        // With a device there (lavapipe everywhere), the same request switches.
        andWait([&] { m_w->requestBackend("vulkan"); });
        QVERIFY2(m_w->snapshot()->backend.startsWith("vulkan"),
                 qPrintable(m_w->snapshot()->backend));
#endif
    }

    void startsWithThePerspectivesPanel() {
        fresh();
        auto* dock = m_w->findChild<QDockWidget*>("perspectivesDock");
        QVERIFY(dock);
        QVERIFY(dock->isVisible());
        QVERIFY(!dock->visibleRegion().isEmpty()); // raised above the inspector's tab
        bool offered = false;
        for (auto* b : dock->findChildren<QPushButton*>()) offered |= b->text() == "Take the tour";
        QVERIFY(offered);
        QVERIFY(m_w->perspectivesPanel()->shownText().contains("Autoencoder"));
    }

    void showMeLaysOutEachPerspectiveOnTheModel() {
        fresh();
        const Scene before = m_w->scene();
        PerspectivesPanel* panel = m_w->perspectivesPanel();
        int index = 0;
        for (const Perspective& p : perspectives()) {
            panel->select(index++);
            QVERIFY(panel->shownText().contains(QString::fromStdString(p.title)));
            andWait([&] { m_w->showPerspective(QString::fromStdString(p.name)); });
            QVERIFY2(m_w->lastError().isEmpty(), qPrintable(m_w->lastError()));
            for (int i = 0; i < 4; ++i) {
                QCOMPARE(m_w->pane(i)->kind(), p.points.panes[std::size_t(i)]);
                // Each pane draws its view: many distinct colours.
                const QImage img = paneImage(*m_w, i);
                QSet<QRgb> colours;
                for (int y = 0; y < img.height(); y += 3)
                    for (int x = 0; x < img.width(); x += 3) colours.insert(img.pixel(x, y));
                QVERIFY2(colours.size() > 20, qPrintable(QString("%1: pane %2 looks blank")
                                                             .arg(QString::fromStdString(p.name))
                                                             .arg(i)));
            }
            // The model, data, sampler and time stay as they were.
            QCOMPARE(m_w->scene().data.dataset, before.data.dataset);
            QCOMPARE(m_w->scene().model.denoiser, before.model.denoiser);
            QCOMPARE(m_w->scene().sampler.sampler, before.sampler.sampler);
            QCOMPARE(m_w->snapshot()->cursorT, before.view.t);
        }
    }

    void theTourOpensTheGuidedPresetsInOrder() {
        fresh();
        PerspectivesPanel* panel = m_w->perspectivesPanel();
        andWait([&] { panel->startTour(); });
        const auto expectPreset = [&](int i) {
            const Perspective& p = perspectives()[std::size_t(i)];
            QVERIFY(waitFor([&] { return m_w->scene().title == builtinScene(p.preset).title; }));
            QCOMPARE(panel->tourStep(), i);
            QCOMPARE(panel->current(), i);
            QVERIFY(m_w->windowTitle().contains(QString::fromStdString(m_w->scene().title)));
        };
        expectPreset(0);
        panel->moveTour(1);
        expectPreset(1);
        panel->moveTour(-1);
        expectPreset(0);
        // To the end: the spectral preset switches to images, the last comes back to 2-D.
        for (int i = 1; i < int(perspectives().size()); ++i) {
            panel->moveTour(1);
            expectPreset(i);
        }
        QVERIFY(m_w->snapshot());
        panel->moveTour(1); // past the end it stays at the last
        QCOMPARE(panel->tourStep(), int(perspectives().size()) - 1);
    }

    void panesSayWhatTheyShowAndHelpOpensTheGuide() {
        fresh();
        auto* caption = m_w->findChild<QLabel*>("paneCaption0");
        QVERIFY(caption);
        QCOMPARE(caption->text().toStdString(), findView(m_w->pane(0)->kind()).caption);
        QVERIFY(userGuideMarkdown().contains("## The explorer"));
        QVERIFY(!userGuideMarkdown().contains("## For developers"));
        showUserGuide(m_w.get());
        auto* guide = m_w->findChild<QDialog*>("userGuide");
        QVERIFY(guide && guide->isVisible());
        QVERIFY(guide->findChild<QTextBrowser*>()->toPlainText().contains("Perspectives"));
        guide->close();
        // Every term the issue names is explained; a pane's tooltip explains its view's terms.
        for (const char* term : {"eps", "v", "x0_hat", "logSNR", "S_churn", "RAPSD",
                                 "1 - t (path colour)", "em from the same noise"})
            QVERIFY2(!glossaryMeaning(term).isEmpty(), term);
        QVERIFY(m_w->pane(2)->canvas()->toolTip().contains("em from the same noise"));
        QVERIFY(m_w->pane(2)->canvas()->toolTip().contains(
            glossaryMeaning("1 - t (path colour)").toHtmlEscaped()));
        for (const ViewInfo& v : viewRegistry()) // every view's tooltip has its caption and terms
            QVERIFY2(viewTooltip(v.name).count("<i>") >= 1, v.name.c_str());
    }

    void cleanupTestCase() {
        m_w.reset();
    }
};

QTEST_MAIN(WindowTest)
#include "test_window.moc"
