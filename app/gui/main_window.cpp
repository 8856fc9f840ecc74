// Main window: layout, wiring between panels, panes and the workers, sessions and editing.
#include "app/gui/main_window.hpp"

#include "app/gui/export_dialog.hpp"
#include "app/gui/inspector.hpp"
#include "app/gui/model_panel.hpp"
#include "app/gui/noise_panel.hpp"
#include "app/gui/sampler_panel.hpp"
#include "app/gui/schedule_plot.hpp"
#include "app/gui/scene_worker.hpp"
#include "app/gui/train_worker.hpp"
#include "app/gui/transport_bar.hpp"
#include "app/gui/view_pane.hpp"
#include "core/backend/backend.hpp"
#include "core/datasets/dataset_registry.hpp"
#include "core/errors.hpp"
#include "core/io/checkpoint.hpp"
#include "core/io/csv.hpp"
#include "core/io/table_io.hpp"
#include "core/rng/noise.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/scene_io.hpp"

#include <QActionGroup>
#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QGridLayout>
#include <QInputDialog>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressDialog>
#include <QShortcut>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>
#include <cmath>

namespace dfs::gui {

namespace {
constexpr double kPickPixels = 12; ///< how near a click must be to pick a point or particle

/// Nearest row of (x, y) pairs to (x, y) within `radius`; -1 if none.
long nearest(const std::vector<float>& xy, double x, double y, double radius) {
    long best = -1;
    double bestD = radius * radius;
    for (std::size_t i = 0; i + 1 < xy.size(); i += 2) {
        const double d = (xy[i] - x) * (xy[i] - x) + (xy[i + 1] - y) * (xy[i + 1] - y);
        if (d <= bestD) bestD = d, best = long(i / 2);
    }
    return best;
}
} // namespace

MainWindow::MainWindow(const QString& scenePath, QWidget* parent) : QMainWindow(parent) {
    qRegisterMetaType<SnapshotPtr>();
    qRegisterMetaType<Scene>();
    qRegisterMetaType<SceneSampler>();
    setWindowTitle("Diffuscope");
    resize(1500, 950);

    // Central area: 2x2 panes over the transport bar.
    auto* central = new QWidget(this);
    auto* grid = new QGridLayout;
    grid->setSpacing(3);
    for (int i = 0; i < 4; ++i) {
        m_panes[std::size_t(i)] = new ViewPane(i, central);
        grid->addWidget(m_panes[std::size_t(i)], i / 2, i % 2);
    }
    m_transport = new TransportBar(central);
    auto* centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(2, 2, 2, 2);
    centralLayout->addLayout(grid, 1);
    centralLayout->addWidget(m_transport);
    setCentralWidget(central);

    // Panels at the left, inspector at the right.
    auto* tabs = new QTabWidget(this);
    tabs->setObjectName("panels");
    m_data = new DataPanel(tabs);
    m_noise = new NoisePanel(tabs);
    m_model = new ModelPanel(tabs);
    m_sampler = new SamplerPanel(tabs);
    tabs->addTab(m_data, "Data");
    tabs->addTab(m_noise, "Noise");
    tabs->addTab(m_model, "Model");
    tabs->addTab(m_sampler, "Sampler");
    auto* left = new QDockWidget("Controls", this);
    left->setObjectName("controlsDock");
    left->setWidget(tabs);
    left->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::LeftDockWidgetArea, left);
    m_inspector = new Inspector(this);
    auto* right = new QDockWidget("Inspector", this);
    right->setObjectName("inspectorDock");
    right->setWidget(m_inspector);
    right->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::RightDockWidgetArea, right);
    resizeDocks({left, right}, {330, 260}, Qt::Horizontal);

    m_statusBackend = new QLabel(this);
    m_statusTime = new QLabel(this);
    m_statusNfe = new QLabel(this);
    m_statusFps = new QLabel(this);
    for (QLabel* l : {m_statusBackend, m_statusTime, m_statusNfe, m_statusFps})
        statusBar()->addPermanentWidget(l);
    m_playTimer = new QTimer(this);

    m_worker = new SceneWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
    m_trainer = new TrainWorker;
    m_trainer->moveToThread(&m_trainThread);
    connect(&m_trainThread, &QThread::finished, m_trainer, &QObject::deleteLater);
    m_trainThread.start();
    connectWorker();
    buildMenus();

    if (scenePath.isEmpty() || !openScene(scenePath)) requestScene(Scene{});
}

MainWindow::~MainWindow() {
    m_worker->cancelExport();
    QMetaObject::invokeMethod(m_trainer, &TrainWorker::pause, Qt::QueuedConnection);
    m_thread.quit();
    m_trainThread.quit();
    m_thread.wait();
    m_trainThread.wait();
}

void MainWindow::connectWorker() {
    connect(m_worker, &SceneWorker::snapshotReady, this, &MainWindow::onSnapshot);
    connect(m_worker, &SceneWorker::failed, this, &MainWindow::onFailed);
    for (ViewPane* p : m_panes) {
        connect(p, &ViewPane::kindChosen, this, [this](int pane, ViewKind kind) {
            Scene s = m_scene;
            s.view.panes[std::size_t(pane)] = kind;
            m_worker->notePending();
            QMetaObject::invokeMethod(m_worker, [w = m_worker, s] { w->setView(s); }, Qt::QueuedConnection);
        });
        connect(p, &ViewPane::fieldOptionsChosen, this, [this](const QString& q, bool streamlines) {
            Scene s = m_scene;
            s.view.fieldQuantity = q.toStdString();
            s.view.streamlines = streamlines;
            m_worker->notePending();
            QMetaObject::invokeMethod(m_worker, [w = m_worker, s] { w->setView(s); }, Qt::QueuedConnection);
        });
        const int index = p->index();
        connect(p->canvas(), &ViewCanvas::pressed, this,
                [this, index](double x, double y, Qt::MouseButton, Qt::KeyboardModifiers) {
                    onCanvasPressed(index, x, y);
                });
        connect(p->canvas(), &ViewCanvas::dragged, this, [this, index](double x, double y) {
            if (m_panes[std::size_t(index)]->kind() == ViewKind::Chain && m_editor.active()) editAt(x, y, false);
        });
        connect(p->canvas(), &ViewCanvas::released, this, [this](double, double) { finishEdit(); });
    }
    connect(m_transport, &TransportBar::toStart, this, [this] {
        m_worker->notePending();
        QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->seek(0); }, Qt::QueuedConnection);
    });
    connect(m_transport, &TransportBar::stepBack, this, [this] {
        QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->step(-1); }, Qt::QueuedConnection);
    });
    connect(m_transport, &TransportBar::stepForward, this, [this] {
        QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->step(1); }, Qt::QueuedConnection);
    });
    connect(m_transport, &TransportBar::toEnd, this, [this] {
        QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->toEnd(); }, Qt::QueuedConnection);
    });
    connect(m_transport, &TransportBar::playToggled, this, [this] { setPlaying(!m_playing); });
    connect(m_transport, &TransportBar::frameChosen, this, [this](int f) {
        m_worker->notePending();
        QMetaObject::invokeMethod(m_worker, [w = m_worker, f] { w->seek(f); }, Qt::QueuedConnection);
    });
    auto setTime = [this](double t) {
        m_worker->notePending();
        QMetaObject::invokeMethod(m_worker, [w = m_worker, t] { w->setTime(t); }, Qt::QueuedConnection);
    };
    connect(m_transport, &TransportBar::timeChosen, this, setTime);
    connect(m_noise->plot(), &SchedulePlot::timePicked, this, setTime);
    connect(m_transport, &TransportBar::speedChanged, this, [this](int fps) { m_playTimer->setInterval(1000 / fps); });
    m_playTimer->setInterval(1000 / m_transport->speed());
    connect(m_playTimer, &QTimer::timeout, this, &MainWindow::playTick);

    connect(m_data, &DataPanel::edited, this, &MainWindow::panelsEdited);
    connect(m_noise, &NoisePanel::edited, this, &MainWindow::panelsEdited);
    connect(m_model, &ModelPanel::edited, this, &MainWindow::panelsEdited);
    connect(m_sampler, &SamplerPanel::runRequested, this, &MainWindow::panelsEdited);
    connect(m_sampler, &SamplerPanel::branchRequested, this, [this] {
        const SceneSampler s = sceneFromPanels().sampler;
        QMetaObject::invokeMethod(m_worker, [w = m_worker, s] { w->branch(s); }, Qt::QueuedConnection);
    });
    connect(m_data, &DataPanel::importRequested, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, "Import points", QString(), "CSV (*.csv)");
        if (!path.isEmpty()) importCsv(path);
    });
    connect(m_data, &DataPanel::toolChanged, this, [setTime](EditTool tool) {
        if (tool != EditTool::None) setTime(0.0); // edits act on the data itself
    });
    connect(m_data, &DataPanel::undoRequested, this, &MainWindow::undoEdit);
    connect(m_data, &DataPanel::resetPointsRequested, this, [this] {
        Scene s = m_scene;
        if (!s.data.points) return;
        m_editor.remember(*s.data.points);
        s.data.points.reset();
        s.data.labels.clear();
        requestScene(s);
    });

    connect(m_model, &ModelPanel::loadRequested, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, "Load model", QString(), "Diffuscope models (*.dsm)");
        if (path.isEmpty()) return;
        Scene s = m_scene;
        s.model.denoiser = path.toStdString();
        requestScene(s);
    });
    connect(m_model, &ModelPanel::saveRequested, this, [this] {
        if (!isCheckpointPath(m_scene.model.denoiser)) {
            showError("Save model", "The scene's denoiser is not a learned model: train or load one first.");
            return;
        }
        const QString path = QFileDialog::getSaveFileName(this, "Save model", "model.dsm", "Diffuscope models (*.dsm)");
        if (path.isEmpty()) return;
        try {
            CheckpointInfo info;
            const auto model = loadCheckpoint(m_scene.model.denoiser, &info);
            saveCheckpoint(path.toStdString(), *model, info);
            Scene s = m_scene;
            s.model.denoiser = path.toStdString();
            requestScene(s);
        } catch (const std::exception& e) {
            showError("Save model", e.what());
        }
    });
    connect(m_model, &ModelPanel::trainStart, this, &MainWindow::startTraining);
    connect(m_model, &ModelPanel::trainPause, this, [this] {
        m_trainPaused = true;
        m_model->setTraining(false);
        QMetaObject::invokeMethod(m_trainer, &TrainWorker::pause, Qt::QueuedConnection);
    });
    connect(m_model, &ModelPanel::trainReset, this, [this] {
        m_trainPaused = false;
        m_model->setTraining(false);
        QMetaObject::invokeMethod(m_trainer, &TrainWorker::reset, Qt::QueuedConnection);
    });
    connect(m_trainer, &TrainWorker::progress, this,
            [this](double step, double total, const QVector<double>& loss, const QVector<double>& perT,
                   const QString& checkpoint, bool finished) {
                m_model->showTraining(step, total, loss, perT, finished);
                m_loss = loss;
                if (!checkpoint.isEmpty() && m_model->followTraining()) {
                    Scene s = m_scene;
                    s.model.denoiser = checkpoint.toStdString();
                    requestScene(s);
                }
            });
    connect(m_trainer, &TrainWorker::failed, this, [this](const QString& m) {
        m_model->setTraining(false);
        showError("Training stopped", m);
    });
    connect(m_worker, &SceneWorker::exportProgress, this, [this](int done, int total) {
        if (!m_exportProgress) return;
        m_exportProgress->setMaximum(total);
        m_exportProgress->setValue(done);
    });
    connect(m_worker, &SceneWorker::exportFinished, this, [this](bool ok, const QString& message) {
        if (m_exportProgress) m_exportProgress->deleteLater(), m_exportProgress = nullptr;
        if (ok) statusBar()->showMessage(message, 8000);
        else showError("Export", message);
        emit exportDone(ok, message);
    });
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu("&File");
    QAction* open = file->addAction("&Open scene…", this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, "Open scene", QString(), "Diffuscope scenes (*.json)");
        if (!path.isEmpty()) openScene(path);
    });
    open->setShortcut(QKeySequence::Open);
    QAction* save = file->addAction("&Save scene", this, [this] {
        QString path = m_path;
        if (path.isEmpty())
            path = QFileDialog::getSaveFileName(this, "Save scene", "scene.json", "Diffuscope scenes (*.json)");
        if (!path.isEmpty()) saveSceneTo(path);
    });
    save->setShortcut(QKeySequence::Save);
    file->addAction("Save scene &as…", this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, "Save scene", "scene.json", "Diffuscope scenes (*.json)");
        if (!path.isEmpty()) saveSceneTo(path);
    })->setShortcut(QKeySequence::SaveAs);
    file->addAction("&Import points (CSV)…", this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, "Import points", QString(), "CSV (*.csv)");
        if (!path.isEmpty()) importCsv(path);
    });
    QAction* exp = file->addAction("&Export…", this, &MainWindow::exportDialog);
    exp->setShortcut(QKeySequence("Ctrl+E"));
    file->addAction("Export &data (CSV, JSON)…", this, &MainWindow::exportDataDialog);
    file->addSeparator();
    file->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);

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
    help->addAction("&Keys", this, [this] {
        QMessageBox::information(this, "Keys",
                                 "Space: play / pause\nLeft / Right: step back / forward\n"
                                 "Home / End: first / last frame\nCtrl+O, Ctrl+S: open, save scene\n"
                                 "Ctrl+E: export\nCtrl+Z: undo a point edit\n\n"
                                 "Click a particle in a trajectories pane to inspect it; click empty space to "
                                 "drop a new particle and follow it.");
    });
    help->addAction("&About", this, [this] {
        QMessageBox::about(this, "Diffuscope",
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
    shortcut(QKeySequence(Qt::Key_Right), [this] {
        QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->step(1); }, Qt::QueuedConnection);
    });
    shortcut(QKeySequence(Qt::Key_Left), [this] {
        QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->step(-1); }, Qt::QueuedConnection);
    });
    shortcut(QKeySequence(Qt::Key_Home), [this] {
        m_worker->notePending();
        QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->seek(0); }, Qt::QueuedConnection);
    });
    shortcut(QKeySequence(Qt::Key_End), [this] {
        QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->toEnd(); }, Qt::QueuedConnection);
    });
}

void MainWindow::requestBackend(const QString& name) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, name] { w->setBackend(name); }, Qt::QueuedConnection);
}

void MainWindow::requestScene(const Scene& scene) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, scene] { w->setScene(scene); }, Qt::QueuedConnection);
}

void MainWindow::onSnapshot(SnapshotPtr s) {
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QElapsedTimer paint;
    paint.start();
    const bool sceneChanged = !m_snapshot || sceneToJson(s->scene) != sceneToJson(m_scene);
    m_snapshot = s;
    m_scene = s->scene;
    if (sceneChanged) showSceneInPanels(m_scene);
    for (ViewPane* p : m_panes) {
        p->setKind(m_scene.view.panes[std::size_t(p->index())]);
        p->showFieldOptions(m_scene.view);
        p->setSnapshot(s);
    }
    m_inspector->showSnapshot(s);
    m_transport->showState(s->frame, s->totalFrames, s->cursorT, s->frameTime.t);
    m_noise->showGrid(s->grid, s->cursorT);
    m_statusBackend->setText("backend: " + s->backend);
    m_statusTime->setText(QString("t %1  sigma %2  logSNR %3")
                              .arg(s->frameTime.t, 0, 'f', 3)
                              .arg(s->frameTime.sigma, 0, 'g', 3)
                              .arg(std::isfinite(s->frameTime.logSnr) ? QString::number(s->frameTime.logSnr, 'f', 2) : "inf"));
    m_statusNfe->setText(QString("NFE %1").arg(s->nfe));
    const double dt = m_lastSnapshotNs ? double(now - m_lastSnapshotNs) : 0.0;
    m_lastSnapshotNs = now;
    m_statusFps->setText(QString("compute %1 ms%2").arg(s->computeMs, 0, 'f', 1)
                             .arg(m_playing && dt > 0 ? QString("  %1 fps").arg(1000.0 / dt, 0, 'f', 1) : QString()));
    m_waiting = false;
    if (m_playing && s->frame >= s->totalFrames - 1) setPlaying(false);
    emit snapshotShown();
}

void MainWindow::onFailed(const QString& message) {
    m_waiting = false;
    setPlaying(false);
    showSceneInPanels(m_scene); // the panels go back to the session the worker kept
    showError("Could not apply the change", message);
}

void MainWindow::showError(const QString& title, const QString& message) {
    m_lastError = message;
    statusBar()->showMessage(message, 10000);
    emit errorShown(message);
    if (m_interactive) QMessageBox::warning(this, title, message);
}

void MainWindow::showSceneInPanels(const Scene& s) {
    m_data->showScene(s);
    m_noise->showScene(s);
    m_model->showScene(s);
    m_sampler->showScene(s);
}

Scene MainWindow::sceneFromPanels() const {
    Scene s = m_scene;
    m_data->applyTo(s);
    m_noise->applyTo(s);
    m_model->applyTo(s);
    m_sampler->applyTo(s);
    return s;
}

void MainWindow::panelsEdited() {
    Scene s = sceneFromPanels();
    s.view.frame = -1;
    // `exact` needs mixture parameters: a dataset without them falls back to `ideal`.
    const auto& sets = builtinDatasets();
    const auto info = std::find_if(sets.begin(), sets.end(), [&](const DatasetInfo& d) { return d.name == s.data.dataset; });
    if (s.model.denoiser == "exact" && (s.data.points || info == sets.end() || !info->isGmm)) {
        s.model.denoiser = "ideal";
        statusBar()->showMessage(QString::fromStdString(s.data.dataset) +
                                     " has no exact mixture parameters: using the ideal denoiser",
                                 8000);
    }
    requestScene(s);
}

void MainWindow::setPlaying(bool on) {
    m_playing = on;
    m_transport->setPlaying(on);
    if (on) {
        if (m_snapshot && m_snapshot->frame >= m_snapshot->totalFrames - 1) {
            m_worker->notePending();
            QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->seek(0); }, Qt::QueuedConnection);
        }
        m_playTimer->start();
    } else {
        m_playTimer->stop();
    }
}

void MainWindow::playTick() {
    if (m_waiting) return; // the previous frame is still being computed: never queue up work
    m_waiting = true;
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->step(1); }, Qt::QueuedConnection);
}

bool MainWindow::openScene(const QString& path) {
    try {
        const Scene s = loadScene(path.toStdString());
        m_path = path;
        m_editor.clearHistory();
        m_data->setUndoAvailable(false);
        requestScene(s);
        setWindowTitle(QString("Diffuscope: %1").arg(path));
        return true;
    } catch (const std::exception& e) {
        showError("Open scene", e.what());
        return false;
    }
}

bool MainWindow::saveSceneTo(const QString& path) {
    try {
        saveScene(path.toStdString(), m_scene);
        m_path = path;
        setWindowTitle(QString("Diffuscope: %1").arg(path));
        statusBar()->showMessage("saved " + path, 5000);
        return true;
    } catch (const std::exception& e) {
        showError("Save scene", e.what());
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

Matrix MainWindow::currentPoints() const {
    return m_scene.data.points ? *m_scene.data.points : buildSceneData(m_scene.data).points;
}

void MainWindow::sendPoints(Matrix points, bool pushUndo) {
    if (points.rows() == 0) {
        showError("Edit points", "the data needs at least one point");
        return;
    }
    Scene s = m_scene;
    if (pushUndo) m_editor.remember(currentPoints());
    s.data.points = std::move(points);
    s.data.labels.clear();
    if (s.model.denoiser == "exact") {
        s.model.denoiser = "ideal"; // edited points have no mixture parameters
        statusBar()->showMessage("edited data: switched the denoiser to ideal", 6000);
    }
    s.model.label = -1;
    requestScene(s);
    m_data->setUndoAvailable(m_editor.canUndo());
}

void MainWindow::editAt(double x, double y, bool press) {
    if (!m_snapshot) return;
    if (press) {
        // Picking radius: kPickPixels on the plot that was pressed.
        m_editor.press(currentPoints(), m_data->tool(), x, y, kPickPixels / m_editScale);
    } else {
        m_editor.drag(x, y);
    }
}

void MainWindow::finishEdit() {
    if (std::optional<Matrix> pts = m_editor.release()) sendPoints(std::move(*pts), true);
}

void MainWindow::undoEdit() {
    if (m_editor.canUndo()) sendPoints(m_editor.undo(), false);
}

void MainWindow::onCanvasPressed(int pane, double x, double y) {
    const ViewKind kind = m_panes[std::size_t(pane)]->kind();
    if (kind == ViewKind::Chain && m_data->tool() != EditTool::None) {
        const auto& frame = m_panes[std::size_t(pane)]->canvas()->plotFrame();
        m_editScale = frame ? frame->scale() : 100.0;
        editAt(x, y, true);
        return;
    }
    if (kind != ViewKind::Trajectories || !m_snapshot) return;
    const auto& view = std::get<TrajectoryView>(m_snapshot->panes[std::size_t(pane)]);
    const auto* canvas = m_panes[std::size_t(pane)]->canvas();
    const double scale = canvas->plotFrame() ? canvas->plotFrame()->scale() : 100.0;
    const long hit = nearest(view.current, x, y, kPickPixels / scale);
    if (hit >= 0) {
        QMetaObject::invokeMethod(m_worker, [w = m_worker, hit] { w->selectParticle(hit); }, Qt::QueuedConnection);
    } else {
        QMetaObject::invokeMethod(m_worker, [w = m_worker, x, y] { w->dropParticle(x, y); }, Qt::QueuedConnection);
    }
}

void MainWindow::startTraining() {
    if (m_trainPaused) {
        m_trainPaused = false;
        m_model->setTraining(true);
        QMetaObject::invokeMethod(m_trainer, &TrainWorker::resume, Qt::QueuedConnection);
        return;
    }
    const Scene s = m_scene;
    const double lr = m_model->learningRate();
    const int width = m_model->width();
    const QString target = m_model->target();
    const long steps = m_model->steps();
    m_model->setTraining(true);
    QMetaObject::invokeMethod(m_trainer, [t = m_trainer, s, lr, width, target, steps] {
        t->start(s, lr, width, target, steps);
    }, Qt::QueuedConnection);
}

void MainWindow::exportDataDialog() {
    if (!m_snapshot) return;
    const QStringList kinds = {"samples", "trajectories", "field", "chain", "schedule", "loss"};
    bool ok = false;
    const QString what = QInputDialog::getItem(
        this, "Export data",
        "samples: x,y at the shown frame; trajectories: step,t,particle,x,y up to it;\n"
        "field: x,y,fx,fy and chain: x,y at the time cursor; schedule: t,alpha,sigma,logSNR;\n"
        "loss: the training loss per 100 steps",
        kinds, 0, false, &ok);
    if (!ok) return;
    const QString path = QFileDialog::getSaveFileName(this, "Export data", what + ".csv",
                                                      "CSV (*.csv);;JSON (*.json)");
    if (path.isEmpty()) return;
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
    QMetaObject::invokeMethod(m_worker, [w = m_worker, what, path] { w->exportData(what, path); },
                              Qt::QueuedConnection);
}

void MainWindow::exportDialog() {
    if (!m_snapshot) return;
    std::array<ViewKind, 4> kinds;
    for (int i = 0; i < 4; ++i) kinds[std::size_t(i)] = m_panes[std::size_t(i)]->kind();
    ExportDialog dialog(kinds, m_snapshot->totalFrames, this);
    if (dialog.exec() != QDialog::Accepted) return;
    requestExport(dialog.request());
}

void MainWindow::requestExport(const render::ExportRequest& request) {
    if (m_interactive) {
        m_exportProgress = new QProgressDialog("Exporting…", "Cancel", 0, 1, this);
        m_exportProgress->setWindowModality(Qt::WindowModal);
        m_exportProgress->setMinimumDuration(0);
        connect(m_exportProgress, &QProgressDialog::canceled, this, [this] { m_worker->cancelExport(); });
    }
    QMetaObject::invokeMethod(m_worker, [w = m_worker, request] { w->exportViews(request); },
                              Qt::QueuedConnection);
}

} // namespace dfs::gui
