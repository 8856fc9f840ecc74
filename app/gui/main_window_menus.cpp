// Main window: menus, toolbar, keyboard shortcuts and the backend preference.
#include "app/gui/main_window.hpp"

#include "app/gui/file_filters.hpp"
#include "app/gui/glossary.hpp"
#include "app/gui/post_to.hpp"
#include "app/gui/scene_worker.hpp"
#include "app/gui/user_guide.hpp"
#include "core/backend/backend.hpp"

#include <QActionGroup>
#include <QFileDialog>
#include <QKeySequence>
#include <QMenuBar>
#include <QMessageBox>
#include <QShortcut>
#include <QToolBar>

namespace dfs::gui {

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu("&File");
    QAction* open = file->addAction("&Open scene…", this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, "Open scene", QString(),
                                                          "Diffuscope scenes (*.json)");
        if (!path.isEmpty()) openScene(path);
    });
    open->setShortcut(QKeySequence::Open);
    QAction* save = file->addAction("&Save scene", this, [this] {
        QString path = m_path;
        if (path.isEmpty())
            path = QFileDialog::getSaveFileName(this, "Save scene", "scene.json",
                                                "Diffuscope scenes (*.json)");
        if (!path.isEmpty()) saveSceneTo(path);
    });
    save->setShortcut(QKeySequence::Save);
    file->addAction("Save scene &as…", this,
                    [this] {
                        const QString path = QFileDialog::getSaveFileName(
                            this, "Save scene", "scene.json", "Diffuscope scenes (*.json)");
                        if (!path.isEmpty()) saveSceneTo(path);
                    })
        ->setShortcut(QKeySequence::SaveAs);
    buildExamplesMenu(file);
    file->addAction("&Import points (CSV, NumPy)…", this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, "Import points", QString(), kPointsOpenFilters);
        if (!path.isEmpty()) importCsv(path);
    });
    QAction* exp = file->addAction("&Export…", this, &MainWindow::exportDialog);
    exp->setShortcut(QKeySequence("Ctrl+E"));
    file->addAction("Export &data (CSV, JSON, NumPy)…", this, &MainWindow::exportDataDialog);
    file->addSeparator();
    file->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);

    buildPerspectivesMenu();
    QMenu* prefs = menuBar()->addMenu("&Preferences");
    QMenu* backends = prefs->addMenu("Compute &backend");
    auto* group = new QActionGroup(this);
    for (const BackendInfo& b : listBackends()) {
        QAction* a = backends->addAction(QString::fromStdString(b.name + ": " + b.device));
        a->setCheckable(true);
        a->setEnabled(b.available);
        a->setChecked(b.name == "cpu");
        group->addAction(a);
        const QString name = QString::fromStdString(b.name);
        connect(a, &QAction::triggered, this, [this, name] { requestBackend(name); });
    }
    QMenu* help = menuBar()->addMenu("&Help");
    help->addAction("&User guide", this, [this] { showUserGuide(this); })
        ->setShortcut(QKeySequence::HelpContents);
    help->addAction("&Glossary", this, [this] { showGlossary(this); });
    help->addAction("&Keys", this, [this] {
        QMessageBox::information(
            this, "Keys",
            "Space: play / pause\nLeft / Right: step back / forward\n"
            "Home / End: first / last frame\nCtrl+O, Ctrl+S: open, save scene\n"
            "Ctrl+E: export\nCtrl+Z: undo a point edit\n\n"
            "Click a particle in a trajectories pane to inspect it; click empty space to "
            "drop a new particle and follow it.");
    });
    help->addAction("&About", this, [this] {
        QMessageBox::about(
            this, "Diffuscope",
            "Diffuscope 0.1: see how diffusion models work.\nExact ground truth beside "
            "learned models, every common sampler, linked views.");
    });

    QToolBar* tb = addToolBar("Main");
    tb->setObjectName("mainToolbar");
    tb->addAction(open);
    tb->addAction(save);
    tb->addAction(exp);

    auto shortcut = [this](QKeySequence key, auto fn) {
        auto* s = new QShortcut(key, this);
        s->setContext(Qt::WindowShortcut);
        connect(s, &QShortcut::activated, this, fn);
    };
    shortcut(QKeySequence(Qt::Key_Space), [this] { setPlaying(!m_playing); });
    shortcut(QKeySequence(Qt::Key_Right),
             [this] { postTo(m_worker, [](SceneWorker* w) { w->step(1); }); });
    shortcut(QKeySequence(Qt::Key_Left),
             [this] { postTo(m_worker, [](SceneWorker* w) { w->step(-1); }); });
    shortcut(QKeySequence(Qt::Key_Home), [this] {
        m_worker->notePending();
        postTo(m_worker, [](SceneWorker* w) { w->seek(0); });
    });
    shortcut(QKeySequence(Qt::Key_End),
             [this] { postTo(m_worker, [](SceneWorker* w) { w->toEnd(); }); });
}

void MainWindow::requestBackend(const QString& name) {
    m_backendName = name; // live training uses it too, from its next start
    postTo(m_worker, [name](SceneWorker* w) { w->setBackend(name); });
}

} // namespace dfs::gui
