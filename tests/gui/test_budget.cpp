// The window asks before work over the memory budget (budget_question.hpp): a scene with far
// too many particles is asked about; "Fit to budget" runs settings the engine accepts, "Cancel"
// keeps the session exactly as it was; a large run asks Continue / Cancel once; a normal scene
// does not ask; training over the budget is asked about too. The budget is set to 64 MiB
// (DIFFUSCOPE_MEMORY_BUDGET) so that the figures do not depend on the machine.
#include "app/gui/main_window.hpp"
#include "core/model/checkpoint.hpp"
#include "core/scene/scene_budget.hpp"
#include "core/scene/scene_io.hpp"
#include "core/training/trainer.hpp"
#include "open_window.hpp"
#include "wait_for.hpp"

#include <QApplication>
#include <QComboBox>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTest>
#include <QTimer>

using namespace dfs;
using namespace dfs::gui;
using dfs::gui::test::openTestWindow;
using dfs::gui::test::waitFor;

namespace {

constexpr double kBudget = 64.0 * (1 << 20);

/// Answers the budget question with the button named `button` whenever it is shown.
class Answerer {
public:
    explicit Answerer(const QString& button) : m_button(button) {
        m_timer.setInterval(10);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            if (!box || box->objectName() != "budgetQuestion") return;
            ++asked;
            text = box->text();
            buttons.clear();
            for (QAbstractButton* b : box->buttons()) buttons << b->objectName();
            if (auto* fit = box->findChild<QPushButton*>("budgetFit")) fitText = fit->text();
            auto* b = box->findChild<QPushButton*>(m_button);
            if (!b) b = box->findChild<QPushButton*>("budgetCancel"); // the test then fails
            b->click();
        });
        m_timer.start();
    }
    int asked = 0;
    QString text, fitText;
    QStringList buttons;

private:
    QString m_button;
    QTimer m_timer;
};

} // namespace

class BudgetTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<MainWindow> m_w;

    void fresh() {
        m_w = openTestWindow({1200, 800});
        QVERIFY(m_w);
    }
    QSpinBox* particles() const { return m_w->findChild<QSpinBox*>("particles"); }
    /// Types `n` particles in the Sampler panel and presses "Run from noise", as a user would.
    void runWithParticles(int n) {
        particles()->setValue(n);
        m_w->findChild<QPushButton*>("runSampler")->click();
    }

private slots:
    void initTestCase() { qputenv("DIFFUSCOPE_MEMORY_BUDGET", "64M"); }

    void aNormalSceneDoesNotAsk() {
        fresh();
        Answerer answer("budgetCancel");
        QCOMPARE(judgeScene(estimateScene(m_w->scene()), kBudget), BudgetVerdict::Fits);
        runWithParticles(3000);
        QVERIFY(waitFor([&] { return m_w->scene().sampler.particles == 3000; }));
        QCOMPARE(answer.asked, 0);
        QVERIFY(m_w->lastError().isEmpty());
    }

    void cancelKeepsTheSessionExactlyAsItWas() {
        fresh();
        const std::string before = sceneToJson(m_w->scene());
        const long shown = particles()->value();
        Answerer answer("budgetCancel");
        runWithParticles(1000000); // 8 x 2 x 3 x 51 bytes each: about 2.3 GiB
        QCOMPARE(answer.asked, 1);
        // It names the estimate, the budget and the setting to change, and offers the fit.
        QVERIFY2(answer.text.contains("2.3 GiB"), qPrintable(answer.text));
        QVERIFY(answer.text.contains("64 MiB"));
        QVERIFY(answer.text.contains("DIFFUSCOPE_MEMORY_BUDGET"));
        QVERIFY(answer.text.contains("Particles"));
        QCOMPARE(answer.buttons, (QStringList{"budgetFit", "budgetCancel"}));
        QTest::qWait(300); // nothing may reach the worker
        QCOMPARE(sceneToJson(m_w->scene()), before);
        QCOMPARE(long(particles()->value()), shown); // the panel shows the session's value again
        QVERIFY(m_w->lastError().isEmpty());
    }

    void fitToBudgetRunsSettingsTheEngineAccepts() {
        fresh();
        Scene asked = m_w->scene();
        asked.sampler.particles = 1000000;
        asked.view.frame = -1;
        const Scene expected = fitSceneToBudget(asked, kBudget);
        Answerer answer("budgetFit");
        runWithParticles(1000000);
        QCOMPARE(answer.asked, 1);
        QVERIFY(expected.sampler.particles != asked.sampler.particles);
        QVERIFY(
            waitFor([&] { return m_w->scene().sampler.particles == expected.sampler.particles; }));
        const Scene& s = m_w->scene();
        QCOMPARE(s.sampler.steps, asked.sampler.steps); // particles alone were enough
        QVERIFY(answer.fitText.contains(QLocale().toString(qlonglong(s.sampler.particles))));
        requireSceneWithinBudget(s); // throws (and fails the test) if it does not fit
        QCOMPARE(judgeScene(estimateScene(s), kBudget), BudgetVerdict::Fits);
        QVERIFY(waitFor([&] { return particles()->value() == s.sampler.particles; }));
        QVERIFY(m_w->lastError().isEmpty());
    }

    void aLargeRunAsksContinueOnce() {
        fresh();
        // About 40 MiB: past half the budget, within it.
        const int n = int(40.0 * (1 << 20) / (8.0 * 2 * 3 * 51));
        Answerer answer("budgetContinue");
        runWithParticles(n);
        QCOMPARE(answer.asked, 1);
        QCOMPARE(answer.buttons, (QStringList{"budgetContinue", "budgetCancel"}));
        QVERIFY(waitFor([&] { return m_w->scene().sampler.particles == n; }));
        // A change that does not grow the work is not asked about again.
        runWithParticles(n - 1000);
        QVERIFY(waitFor([&] { return m_w->scene().sampler.particles == n - 1000; }));
        QCOMPARE(answer.asked, 1);
    }

    void trainingOverTheBudgetAsks() {
        fresh();
        m_w->findChild<QComboBox*>("trainPreset")->setCurrentIndex(0);
        m_w->findChild<QComboBox*>("trainWidth")->setCurrentText("128");
        m_w->findChild<QSpinBox*>("trainSteps")->setValue(100);
        // 1 MiB: an MLP 128 wide with batches of 512 needs about 3 MiB; 32 wide fits.
        qputenv("DIFFUSCOPE_MEMORY_BUDGET", "1M");
        auto spec = [](int width) {
            ModelSpec s;
            s.mean = {0, 0};
            s.width = width;
            s.depth = 3;
            return s;
        };
        QVERIFY(trainingMemoryBytes(spec(128), 512) > double(1 << 20));
        QVERIFY(trainingMemoryBytes(spec(64), 512) > double(1 << 20));
        QVERIFY(trainingMemoryBytes(spec(32), 512) < double(1 << 20));
        auto* start = m_w->findChild<QPushButton*>("trainStart");
        {
            Answerer answer("budgetCancel");
            start->click();
            QCOMPARE(answer.asked, 1);
            QVERIFY(answer.text.contains("mlp 128 wide"));
            QVERIFY(answer.text.contains("Width"));
            QCOMPARE(answer.fitText, QString("Fit to budget: width 32"));
            QVERIFY(start->isEnabled()); // not started
        }
        {
            Answerer answer("budgetFit");
            start->click();
            QCOMPARE(answer.asked, 1);
            qputenv("DIFFUSCOPE_MEMORY_BUDGET", "64M"); // the scene that follows the model fits
            QVERIFY(waitFor([&] { return isCheckpointPath(m_w->scene().model.denoiser); }));
            QCOMPARE(loadCheckpoint(m_w->scene().model.denoiser)->spec.width, 32);
        }
        qputenv("DIFFUSCOPE_MEMORY_BUDGET", "64M");
    }

    void cleanupTestCase() { m_w.reset(); }
};

QTEST_MAIN(BudgetTest)
#include "test_budget.moc"
