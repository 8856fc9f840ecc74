// The window to be killed (run by gui_recovery, never on its own): it opens the default scene,
// adds three points, changes the sampler, trains a model live, waits until the session has been
// kept on disk, says so on stdout ("kept <live model>"), starts one more edit and waits to be
// killed mid-gesture. DIFFUSCOPE_RECOVERY_DIR says where the session goes.
#include "app/gui/main_window.hpp"
#include "app/gui/session_recovery.hpp"
#include "core/model/checkpoint.hpp"
#include "wait_for.hpp"

#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QPushButton>
#include <QSpinBox>
#include <QTest>
#include <QToolButton>
#include <cstdio>

using namespace dfs;
using namespace dfs::gui;

namespace {

/// The child waits longer than a test: training runs beside a loaded machine.
template <typename F> bool waitLong(F done) {
    return dfs::gui::test::waitFor(done, 120000);
}

int fail(const char* what) {
    std::fprintf(stderr, "crash_child: %s\n", what);
    return 3;
}

} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    MainWindow w;
    w.setInteractive(false);
    w.show();
    if (!waitLong([&] { return w.snapshot() != nullptr; })) return fail("no first snapshot");
    // Three points added with the Add tool (the points the test looks for after the kill).
    w.findChild<QToolButton*>("toolAdd")->click();
    if (!waitLong([&] { return w.snapshot()->cursorT == 0.0; })) return fail("no t = 0");
    const double added[3][2] = {{-2.5, 2.6}, {2.7, -2.4}, {0.1, 0.2}};
    for (const auto& p : added) {
        w.editAt(p[0], p[1], true);
        w.finishEdit();
    }
    if (!waitLong([&] { return w.scene().data.points && w.scene().data.points->rows() == 2003; }))
        return fail("the points were not added");
    Scene s = w.scene();
    s.sampler.sampler = "ddim";
    s.sampler.steps = 17;
    w.requestScene(s);
    if (!waitLong([&] { return w.scene().sampler.steps == 17; })) return fail("no sampler change");
    // A model trained live: its file lives in a temporary folder the session must copy.
    // 1,000 steps: one model, written when training ends.
    w.findChild<QComboBox*>("trainPreset")->setCurrentIndex(0);
    w.findChild<QSpinBox*>("trainSteps")->setValue(1000);
    auto* start = w.findChild<QPushButton*>("trainStart");
    start->click();
    if (!waitLong([&] { return isCheckpointPath(w.scene().model.denoiser) && start->isEnabled(); }))
        return fail("no live model");
    const std::string live = w.scene().model.denoiser;
    // Kept on disk: the last change is written (the scene with this model).
    if (!waitLong([&] {
            w.recovery()->flush();
            return QFile::exists(w.recovery()->scenePath()) && w.scene().model.denoiser == live;
        }))
        return fail("the session was not kept");
    w.recovery()->flush();
    std::printf("kept %s\n", live.c_str());
    std::fflush(stdout);
    // Mid-gesture: a press that is never released.
    w.findChild<QToolButton*>("toolMove")->click();
    w.editAt(-2.5, 2.6, true);
    w.editAt(-1.0, 1.0, false);
    return app.exec();
}
