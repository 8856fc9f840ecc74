// Main window: scenes (open, save, recover after a crash), point import, model saving, and the
// export and data-export dialogs.
#include "app/gui/main_window.hpp"

#include "app/gui/export_dialog.hpp"
#include "app/gui/file_filters.hpp"
#include "app/gui/post_to.hpp"
#include "app/gui/scene_worker.hpp"
#include "app/gui/session_recovery.hpp"
#include "app/gui/train_worker.hpp"
#include "app/gui/view_pane.hpp"
#include "core/datasets/dataset_registry.hpp"
#include "core/errors.hpp"
#include "core/io/table_io.hpp"
#include "core/model/checkpoint.hpp"
#include "core/scene/scene_io.hpp"
#include "core/scene/view_registry.hpp"

#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QStatusBar>

namespace dfs::gui {

bool MainWindow::openScene(const QString& path) {
    try {
        const Scene s = loadScene(path.toStdString());
        if (!requestScene(s)) return false; // asked about the budget, and cancelled
        m_path = path;
        m_editor.clearHistory();
        m_data->setUndoAvailable(false);
        setWindowTitle(QString("Diffuscope: %1").arg(path));
        return true;
    } catch (const std::exception& e) {
        showError("Open scene", e.what());
        return false;
    }
}

bool MainWindow::saveSceneTo(const QString& path) {
    try {
        Scene scene = m_scene;
        // A model from live training lives in a temporary folder that goes when the program
        // ends, and a recovered one in the session's files: the saved scene points at a copy
        // beside it (the running session goes on as it is; a later save copies again).
        const std::string temp = m_trainer->modelFolder().toStdString();
        if ((!temp.empty() && scene.model.denoiser.rfind(temp, 0) == 0) ||
            SessionRecovery::isSessionFile(scene.model.denoiser)) {
            const QFileInfo info(path);
            const std::string kept =
                (info.absolutePath() + "/" + info.completeBaseName() + ".dsm").toStdString();
            CheckpointInfo ci;
            const auto model = loadCheckpoint(scene.model.denoiser, &ci);
            saveCheckpoint(kept, *model, ci);
            scene.model.denoiser = kept;
        }
        saveScene(path.toStdString(), scene);
        m_path = path;
        setWindowTitle(QString("Diffuscope: %1").arg(path));
        statusBar()->showMessage("saved " + path, 5000);
        return true;
    } catch (const std::exception& e) {
        showError("Save scene", e.what());
        return false;
    }
}

void MainWindow::offerRecovery() {
    const auto orphan = SessionRecovery::findOrphan();
    if (!orphan) return;
    QMessageBox ask(QMessageBox::Question, "Restore the last session?",
                    QString("Diffuscope did not close properly last time. Its session was kept "
                            "at %1: the data with every edit, the settings and the model.%2")
                        .arg(QLocale().toString(orphan->saved, QLocale::ShortFormat))
                        .arg(orphan->source.isEmpty() ? QString()
                                                      : "<br>It was opened from " +
                                                            orphan->source.toHtmlEscaped() + "."),
                    QMessageBox::NoButton, this);
    ask.setTextFormat(Qt::RichText);
    QPushButton* restore = ask.addButton("Restore", QMessageBox::AcceptRole);
    QPushButton* discard = ask.addButton("Discard", QMessageBox::DestructiveRole);
    ask.addButton("Not now", QMessageBox::RejectRole); // asked again at the next start
    ask.setDefaultButton(restore);
    ask.exec();
    if (ask.clickedButton() == restore)
        restoreSession(*orphan);
    else if (ask.clickedButton() == discard)
        SessionRecovery::discard(*orphan);
}

bool MainWindow::restoreSession(const OrphanSession& orphan) {
    try {
        const Scene s = m_recovery->adopt(orphan);
        m_restoring = std::make_unique<OrphanSession>(orphan);
        m_path = orphan.source; // Save writes the recovered session where it came from
        m_editor.clearHistory();
        m_data->setUndoAvailable(false);
        requestScene(s);
        setWindowTitle(QString("Diffuscope: %1 (recovered)")
                           .arg(m_path.isEmpty() ? QString("untitled") : m_path));
        statusBar()->showMessage("restored the session kept at " +
                                     QLocale().toString(orphan.saved, QLocale::ShortFormat),
                                 10000);
        return true;
    } catch (const std::exception& e) {
        showError("Restore the last session", e.what());
        return false;
    }
}

bool MainWindow::saveModelTo(const QString& path) {
    if (!isCheckpointPath(m_scene.model.denoiser)) {
        showError("Save model",
                  "The scene's denoiser is not a learned model: train or load one first.");
        return false;
    }
    try {
        // The format follows the extension: .dsm, or .safetensors for an MLP (checkpoint.hpp).
        CheckpointInfo info;
        const auto model = loadCheckpoint(m_scene.model.denoiser, &info);
        saveCheckpoint(path.toStdString(), *model, info);
        Scene s = m_scene;
        s.model.denoiser = path.toStdString();
        requestScene(s);
        statusBar()->showMessage("saved " + path, 5000);
        return true;
    } catch (const std::exception& e) {
        showError("Save model", e.what());
        return false;
    }
}

bool MainWindow::importCsv(const QString& path) {
    try {
        const PointSet d = loadDataset(path.toStdString(), {});
        if (d.dim() != 2) throw DataError(path.toStdString() + ": the explorer shows 2-D points");
        Scene s = m_scene;
        s.data.dataset = path.toStdString();
        s.data.points.reset();
        s.data.labels.clear();
        if (s.model.denoiser == "exact") s.model.denoiser = "ideal";
        requestScene(s);
        return true;
    } catch (const std::exception& e) {
        showError("Import points", e.what());
        return false;
    }
}

void MainWindow::exportDataDialog() {
    if (!m_snapshot) return;
    // The tables of the views that fit the data (view_registry.hpp), then the schedule and loss.
    QStringList kinds;
    QString help;
    for (const ViewInfo& v : viewRegistry())
        if (v.table && v.fits(m_snapshot->imageData)) {
            kinds << QString::fromStdString(v.name);
            help +=
                QString::fromStdString(v.name + ": " + v.columns +
                                       (v.followsRun() ? " (shown frame)\n" : " (time cursor)\n"));
        }
    kinds << "schedule"
          << "loss";
    help += "schedule: t,alpha,sigma,logSNR\nloss: the training loss per 100 steps";
    bool ok = false;
    const QString what = QInputDialog::getItem(this, "Export data", help, kinds, 0, false, &ok);
    if (!ok) return;
    QString filter;
    const QString path = QFileDialog::getSaveFileName(this, "Export data", what + ".csv",
                                                      kDataExportFilters, &filter);
    if (!path.isEmpty()) exportDataTo(what, withFilterSuffix(path, filter));
}

void MainWindow::exportDataTo(const QString& what, const QString& path) {
    if (what == "loss") {
        try {
            if (m_loss.isEmpty()) throw UsageError("nothing to export: no model has been trained");
            Table t{{"step", "loss"}, Matrix(m_loss.size(), 2)};
            for (int k = 0; k < m_loss.size(); ++k) t.rows.row(k) << 100.0 * (k + 1), m_loss[k];
            writeTable(path.toStdString(), t);
            statusBar()->showMessage("wrote " + path, 8000);
        } catch (const std::exception& e) {
            showError("Export data", e.what());
        }
        return;
    }
    postTo(m_worker, [what, path](SceneWorker* w) { w->exportData(what, path); });
}

void MainWindow::exportDialog() {
    if (!m_snapshot) return;
    std::array<std::string, 4> kinds;
    for (int i = 0; i < 4; ++i) kinds[std::size_t(i)] = m_panes[std::size_t(i)]->kind();
    ExportDialog dialog(kinds, m_snapshot->totalFrames, this);
    if (dialog.exec() != QDialog::Accepted) return;
    requestExport(dialog.request());
}

void MainWindow::requestExport(const render::ExportRequest& request) {
    m_worker->beginExport();
    if (m_interactive) {
        m_exportProgress = new QProgressDialog("Exporting…", "Cancel", 0, 1, this);
        m_exportProgress->setWindowModality(Qt::WindowModal);
        m_exportProgress->setMinimumDuration(0);
        connect(m_exportProgress, &QProgressDialog::canceled, this,
                [this] { m_worker->cancelExport(); });
    }
    postTo(m_worker, [request](SceneWorker* w) { w->exportViews(request); });
}

} // namespace dfs::gui
