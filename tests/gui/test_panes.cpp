// Each pane's view options as a user meets them: the Options drop-down of field and
// trajectories panes (the field's quantity and streamlines, the paths drawn, their opacity and
// the particles' colouring), and a window that still fits a 1280 x 800 screen with them.
#include "app/gui/main_window.hpp"
#include "app/gui/view_pane.hpp"
#include "core/scene/scene_io.hpp"
#include "core/scene/view_data.hpp"
#include "core/scene/view_registry.hpp"
#include "open_window.hpp"
#include "pane_pixels.hpp"
#include "wait_for.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QMenu>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <cmath>

using namespace dfs;
using namespace dfs::gui;
using dfs::gui::test::changed;
using dfs::gui::test::openTestWindow;
using dfs::gui::test::paneImage;
using dfs::gui::test::waitFor;

class PanesTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<MainWindow> m_w;

    void fresh() {
        m_w = openTestWindow({1400, 900});
        QVERIFY(m_w);
    }

    /// Whether a view option is offered: its pane's Options button shows, and the option's
    /// group (the field's or the trajectories') is the one its drop-down holds.
    bool offered(QWidget* option) const {
        const auto* menu = qobject_cast<QMenu*>(option->window());
        const auto* button = menu ? qobject_cast<QToolButton*>(menu->parent()) : nullptr;
        return button && button->isVisible() && !option->parentWidget()->isHidden() &&
               !option->isHidden();
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void fitsA1280By800Screen() {
        // 95% of a 1280 x 800 screen (main_window.cpp) holds the window with both docks, and
        // the headers of the panes with the most options (trajectories and field).
        fresh();
        for (int i = 0; i < 4; ++i)
            m_w->findChild<QComboBox*>(QString("paneView%1").arg(i))
                ->setCurrentText(i % 2 ? "field" : "trajectories");
        QTest::qWait(50);
        const QSize need = m_w->minimumSizeHint();
        QVERIFY2(
            need.width() <= 1216 && need.height() <= 760,
            qPrintable(QString("the window needs %1 x %2").arg(need.width()).arg(need.height())));
    }

    void fieldOptionsChangeTheFieldPane() {
        fresh();
        const QImage before = paneImage(*m_w, 1);
        auto* q = m_w->findChild<QComboBox*>("paneQuantity1");
        QVERIFY(q && offered(q));
        QVERIFY(!offered(m_w->findChild<QComboBox*>("paneQuantity0"))); // a chain pane
        q->setCurrentIndex(q->findData("x0"));
        QVERIFY(waitFor([&] { return m_w->scene().view.fieldQuantity == "x0"; }));
        QCOMPARE(m_w->snapshot()->panes[1].as<FieldView>().quantity, std::string("D(x) - x"));
        m_w->findChild<QCheckBox*>("paneStreamlines1")->setChecked(true);
        QVERIFY(waitFor([&] { return m_w->scene().view.streamlines; }));
        QTest::qWait(50);
        const QRectF plot = m_w->pane(1)->canvas()->plotFrame()->plotRect();
        QVERIFY(changed(before, paneImage(*m_w, 1), plot.toRect()) > 0.02);
    }

    void pathOptionsChangeTheTrajectoriesPane() {
        fresh();
        auto* paths = m_w->findChild<QSpinBox*>("panePaths2");
        auto* opacity = m_w->findChild<QDoubleSpinBox*>("paneOpacity2");
        QVERIFY(paths && offered(paths) && opacity && offered(opacity));
        QVERIFY(!offered(m_w->findChild<QSpinBox*>("panePaths1"))); // a field pane
        QCOMPARE(paths->value(), m_w->scene().view.paths);
        paths->setValue(120);
        QVERIFY(waitFor([&] { return m_w->scene().view.paths == 120; }));
        opacity->setValue(0.1);
        QVERIFY(waitFor([&] { return std::abs(m_w->scene().view.pathOpacity - 0.1) < 1e-9; }));
        QVERIFY(waitFor([&] {
            const auto s = m_w->snapshot();
            const auto& v = s->panes[2].as<TrajectoryView>();
            return v.pathCount <= 120 && std::abs(v.pathOpacity - 0.1f) < 1e-6f;
        }));
        // Saved with the scene, so that `render --scene` draws the same paths.
        const QString path = m_dir.filePath("paths.json");
        QVERIFY(m_w->saveSceneTo(path));
        const Scene saved = loadScene(path.toStdString());
        QCOMPARE(saved.view.paths, 120);
        QCOMPARE(saved.view.pathOpacity, 0.1);
    }

    void particlesColouredByLogLikelihood() {
        // The worker computes each particle's log p_t (PF-ODE) when the colouring is chosen;
        // the pane's particles change colour and its colour bar reads nats.
        fresh();
        auto* colour = m_w->findChild<QComboBox*>("paneColour2");
        QVERIFY(colour && offered(colour));
        QVERIFY(!offered(m_w->findChild<QComboBox*>("paneColour1"))); // a field pane
        QTest::qWait(50);
        const QImage before = paneImage(*m_w, 2);
        colour->setCurrentIndex(colour->findData("log-likelihood"));
        QVERIFY(waitFor([&] { return m_w->scene().view.particleColour == "log-likelihood"; }));
        QVERIFY(waitFor([&] {
            const auto s = m_w->snapshot();
            const auto& v = s->panes[2].as<TrajectoryView>();
            return !v.logp.empty() && v.logpNote.find("nats") != std::string::npos;
        }));
        QTest::qWait(50);
        const QRectF plot = m_w->pane(2)->canvas()->plotFrame()->plotRect();
        QVERIFY(changed(before, paneImage(*m_w, 2), plot.toRect()) > 0.001);
    }

    void cleanupTestCase() { m_w.reset(); }
};

QTEST_MAIN(PanesTest)
#include "test_panes.moc"
