// Main window: the eight perspectives (the Perspectives menu, "Show me", guided presets and the
// tour) and File > Examples, the scenes compiled into the program.
#include "app/gui/main_window.hpp"

#include "app/gui/perspectives_panel.hpp"
#include "app/gui/post_to.hpp"
#include "app/gui/scene_worker.hpp"
#include "core/perspectives/perspective.hpp"
#include "core/scene/builtin_scenes.hpp"

#include <QDockWidget>
#include <QKeySequence>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>

namespace dfs::gui {

void MainWindow::showPerspective(const QString& name) {
    const std::string n = name.toStdString();
    try {
        const Perspective& p = findPerspective(n);
        const bool images = m_snapshot && m_snapshot->imageData;
        if (!images && !p.pointsNote.empty())
            statusBar()->showMessage(
                QString::fromStdString(p.title + " on 2-D data: " + p.pointsNote), 12000);
        else
            statusBar()->showMessage(QString::fromStdString(p.title + ": " + p.claim), 8000);
    } catch (const std::exception& e) {
        showError("Perspectives", e.what());
        return;
    }
    postTo(m_worker, [n](SceneWorker* w) { w->showPerspective(n); });
}

void MainWindow::openPerspectivePreset(const QString& name) {
    try {
        openBuiltinScene(QString::fromStdString(findPerspective(name.toStdString()).preset));
    } catch (const std::exception& e) {
        showError("Perspectives", e.what());
    }
}

bool MainWindow::openBuiltinScene(const QString& name) {
    try {
        const Scene s = builtinScene(name.toStdString());
        m_path.clear(); // Save asks where: a built-in scene is not a file to overwrite
        m_editor.clearHistory();
        m_data->setUndoAvailable(false);
        requestScene(s);
        setWindowTitle(QString("Diffuscope: %1").arg(QString::fromStdString(s.title)));
        return true;
    } catch (const std::exception& e) {
        showError("Open example", e.what());
        return false;
    }
}

void MainWindow::buildExamplesMenu(QMenu* file) {
    QMenu* examples = file->addMenu("E&xamples");
    examples->setToolTipsVisible(true);
    for (const std::string& name : builtinSceneNames()) {
        QString title = QString::fromStdString(name), about;
        try {
            const Scene s = builtinScene(name);
            title = QString::fromStdString(s.title.empty() ? name : s.title);
            about = QString::fromStdString(s.about);
        } catch (const std::exception&) {
            // Listed anyway: opening it reports what is wrong (tests keep every one valid).
        }
        QAction* a = examples->addAction(
            title, this, [this, name] { openBuiltinScene(QString::fromStdString(name)); });
        a->setToolTip(about);
        a->setStatusTip(about);
    }
}

void MainWindow::buildPerspectivesMenu() {
    QMenu* menu = menuBar()->addMenu("&Perspectives");
    menu->setToolTipsVisible(true);
    int i = 0;
    for (const Perspective& p : perspectives()) {
        const QString name = QString::fromStdString(p.name);
        const int index = i++;
        QAction* a =
            menu->addAction(QString("&%1  %2").arg(index + 1).arg(QString::fromStdString(p.title)),
                            this, [this, name, index] {
                                m_perspectives->select(index);
                                m_perspectivesDock->show();
                                m_perspectivesDock->raise();
                                showPerspective(name);
                            });
        a->setShortcut(QKeySequence(QString("Ctrl+%1").arg(index + 1)));
        a->setToolTip(QString::fromStdString(p.claim) + " Lays out its views on this model.");
    }
    menu->addSeparator();
    menu->addAction("Take the &tour", this, [this] {
        m_perspectivesDock->show();
        m_perspectivesDock->raise();
        m_perspectives->startTour();
    });
    menu->addAction("&Guided preset of the selected perspective", this, [this] {
        openPerspectivePreset(
            QString::fromStdString(perspectives()[std::size_t(m_perspectives->current())].name));
    });
    menu->addAction(m_perspectivesDock->toggleViewAction());
}

} // namespace dfs::gui
