// Main window: layout, wiring between panels, panes and the workers, showing snapshots,
// errors, playback and training. Menus, files and editing are in main_window_*.cpp.
#include "app/gui/main_window.hpp"

#include "app/gui/budget_question.hpp"
#include "app/gui/export_dialog.hpp"
#include "app/gui/file_filters.hpp"
#include "app/gui/glossary.hpp"
#include "app/gui/inspector.hpp"
#include "app/gui/mixture_panel.hpp"
#include "app/gui/model_panel.hpp"
#include "app/gui/noise_panel.hpp"
#include "app/gui/perspectives_panel.hpp"
#include "app/gui/post_to.hpp"
#include "app/gui/sampler_panel.hpp"
#include "app/gui/scene_worker.hpp"
#include "app/gui/schedule_plot.hpp"
#include "app/gui/session_recovery.hpp"
#include "app/gui/train_worker.hpp"
#include "app/gui/transport_bar.hpp"
#include "app/gui/view_pane.hpp"
#include "core/backend/backend.hpp"
#include "core/errors.hpp"
#include "core/io/csv.hpp"
#include "core/io/json_errors.hpp"
#include "core/io/table_io.hpp"
#include "core/model/checkpoint.hpp"
#include "core/perspectives/perspective.hpp"
#include "core/rng/noise.hpp"
#include "core/scene/scene_budget.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/scene_fit.hpp"
#include "core/scene/scene_io.hpp"
#include "core/training/trainer.hpp"

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
#include <QProgressBar>
#include <QProgressDialog>
#include <QScreen>
#include <QShortcut>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>
#include <cmath>

namespace dfs::gui {

MainWindow::MainWindow(const QString& scenePath, QWidget* parent) : QMainWindow(parent) {
    qRegisterMetaType<SnapshotPtr>();
    qRegisterMetaType<Scene>();
    qRegisterMetaType<SceneSampler>();
    setWindowTitle("Diffuscope");
    // Fits the screen it opens on (1280 x 800 included): at most 1500 x 950, and 95% of the room.
    QSize size(1500, 950);
    if (const QScreen* screen = QGuiApplication::primaryScreen())
        size = size.boundedTo(screen->availableGeometry().size() * 0.95);
    resize(size);

    // Central area: 2x2 panes over the transport bar.
    auto* central = new QWidget(this);
    auto* grid = new QGridLayout;
    grid->setSpacing(3);
    for (int i = 0; i < 4; ++i) {
        m_panes[std::size_t(i)] = new ViewPane(i, central);
        grid->addWidget(m_panes[std::size_t(i)], i / 2, i % 2);
    }
    for (int k = 0; k < 2; ++k) { // four equal panes, whatever their headers hold
        grid->setColumnStretch(k, 1);
        grid->setRowStretch(k, 1);
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
    // The perspectives are the way in: their panel shares the right side with the inspector and
    // is the one shown at start.
    m_perspectives = new PerspectivesPanel(this);
    auto* persp = new QDockWidget("Perspectives", this);
    persp->setObjectName("perspectivesDock");
    persp->setWidget(m_perspectives);
    persp->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                       QDockWidget::DockWidgetClosable);
    addDockWidget(Qt::RightDockWidgetArea, persp);
    tabifyDockWidget(right, persp);
    persp->raise();
    m_perspectivesDock = persp;
    // The docks take about a fifth of the width each, so that the panes keep room on a small
    // screen.
    resizeDocks({left, persp}, {std::min(330, width() / 5), std::min(340, width() / 4)},
                Qt::Horizontal);
    connect(m_perspectives, &PerspectivesPanel::showMe, this, &MainWindow::showPerspective);
    connect(m_perspectives, &PerspectivesPanel::openPreset, this,
            &MainWindow::openPerspectivePreset);

    m_statusBackend = new QLabel(this);
    m_statusTime = new QLabel(this);
    m_statusNfe = new QLabel(this);
    m_statusFps = new QLabel(this);
    m_statusTime->setToolTip("<i>t</i>: " + glossaryMeaning("t") +
                             "<br><i>sigma</i>: " + glossaryMeaning("alpha, sigma") +
                             "<br><i>logSNR</i>: " + glossaryMeaning("logSNR"));
    m_statusNfe->setToolTip(glossaryMeaning("NFE"));
    for (QLabel* l : {m_statusBackend, m_statusTime, m_statusNfe, m_statusFps})
        statusBar()->addPermanentWidget(l);
    m_playTimer = new QTimer(this);
    auto* busy = new QProgressBar(this);
    busy->setObjectName("busy");
    busy->setRange(0, 0); // an indeterminate bar
    busy->setMaximumWidth(120);
    busy->setFormat("working");
    busy->setToolTip("Computing the new run or view");
    busy->setVisible(false);
    statusBar()->addWidget(busy);
    m_busy = busy;
    m_busyTimer = new QTimer(this);
    m_busyTimer->setSingleShot(true);
    m_busyTimer->setInterval(300);
    connect(m_busyTimer, &QTimer::timeout, m_busy, &QWidget::show);

    m_worker = new SceneWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
    m_trainer = new TrainWorker;
    m_trainer->moveToThread(&m_trainThread);
    connect(&m_trainThread, &QThread::finished, m_trainer, &QObject::deleteLater);
    m_trainThread.start();
    // The session is kept on disk a moment after each change (a crash loses at most that).
    m_recovery = new SessionRecovery(this);
    m_recovery->setVolatileModelFolder(m_trainer->modelFolder());
    connect(m_recovery, &SessionRecovery::saveFailed, this, [this](const QString& message) {
        statusBar()->showMessage("could not keep a crash-safe copy of the session: " + message,
                                 10000);
    });
    connectWorker();
    buildMenus();

    if (scenePath.isEmpty() || !openScene(scenePath)) requestScene(Scene{});
}

MainWindow::~MainWindow() {
    m_worker->cancelExport();
    postTo(m_trainer, &TrainWorker::pause);
    m_thread.quit();
    m_trainThread.quit();
    m_thread.wait();
    m_trainThread.wait();
}

void MainWindow::connectWorker() {
    connect(m_worker, &SceneWorker::snapshotReady, this, &MainWindow::onSnapshot);
    connect(m_worker, &SceneWorker::failed, this, &MainWindow::onFailed);
    for (ViewPane* p : m_panes) {
        connect(p, &ViewPane::kindChosen, this, [this](int pane, const std::string& kind) {
            postTo(m_worker, [pane, kind](SceneWorker* w) { w->setPaneKind(pane, kind); });
        });
        connect(p, &ViewPane::fieldOptionsChosen, this, [this](const QString& q, bool streamlines) {
            const std::string quantity = q.toStdString();
            postTo(m_worker, [quantity, streamlines](SceneWorker* w) {
                w->setFieldOptions(quantity, streamlines);
            });
        });
        connect(p, &ViewPane::pathOptionsChosen, this,
                [this](int paths, double opacity, const QString& colour) {
                    postTo(m_worker, [paths, opacity, c = colour.toStdString()](SceneWorker* w) {
                        w->setPathOptions(paths, opacity, c);
                    });
                });
        const int index = p->index();
        connect(p->canvas(), &ViewCanvas::pressed, this,
                [this, index](double x, double y, Qt::MouseButton, Qt::KeyboardModifiers) {
                    onCanvasPressed(index, x, y);
                });
        connect(p->canvas(), &ViewCanvas::dragged, this, [this, index](double x, double y) {
            if (m_panes[std::size_t(index)]->kind() == "chain" && m_editor.active())
                editAt(x, y, false);
        });
        connect(p->canvas(), &ViewCanvas::released, this, [this] { finishEdit(); });
    }
    connect(m_transport, &TransportBar::toStart, this, [this] {
        m_worker->notePending();
        postTo(m_worker, [](SceneWorker* w) { w->seek(0); });
    });
    connect(m_transport, &TransportBar::stepBack, this,
            [this] { postTo(m_worker, [](SceneWorker* w) { w->step(-1); }); });
    connect(m_transport, &TransportBar::stepForward, this,
            [this] { postTo(m_worker, [](SceneWorker* w) { w->step(1); }); });
    connect(m_transport, &TransportBar::toEnd, this,
            [this] { postTo(m_worker, [](SceneWorker* w) { w->toEnd(); }); });
    connect(m_transport, &TransportBar::playToggled, this, [this] { setPlaying(!m_playing); });
    connect(m_transport, &TransportBar::frameChosen, this, [this](int f) {
        m_worker->notePending();
        postTo(m_worker, [f](SceneWorker* w) { w->seek(f); });
    });
    auto setTime = [this](double t) { setTimeCursor(t); };
    connect(m_transport, &TransportBar::timeChosen, this, setTime);
    connect(m_noise->plot(), &SchedulePlot::timePicked, this, setTime);
    connect(m_transport, &TransportBar::speedChanged, this,
            [this](int fps) { m_playTimer->setInterval(1000 / fps); });
    m_playTimer->setInterval(1000 / m_transport->speed());
    connect(m_playTimer, &QTimer::timeout, this, &MainWindow::playTick);

    connect(m_data, &DataPanel::edited, this, &MainWindow::panelsEdited);
    connect(m_noise, &NoisePanel::edited, this, &MainWindow::panelsEdited);
    connect(m_model, &ModelPanel::edited, this, &MainWindow::panelsEdited);
    connect(m_sampler, &SamplerPanel::runRequested, this, &MainWindow::panelsEdited);
    connect(m_sampler, &SamplerPanel::branchRequested, this, [this] {
        Scene next = m_scene;
        next.sampler = sceneFromPanels().sampler;
        const std::optional<Scene> run = askSceneBudget(this, next, m_scene);
        if (!run) return keepSession("kept the previous settings: the branch was not started");
        postTo(m_worker, [s = run->sampler](SceneWorker* w) { w->branch(s); });
    });
    connect(m_data, &DataPanel::importRequested, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, "Import points", QString(), kPointsOpenFilters);
        if (!path.isEmpty()) importCsv(path);
    });
    connect(m_data, &DataPanel::toolChanged, this, [setTime](EditTool tool) {
        if (tool != EditTool::None) setTime(0.0); // edits act on the data itself
    });
    connect(m_data, &DataPanel::undoRequested, this, &MainWindow::undoEdit);
    connect(m_data, &DataPanel::resetPointsRequested, this, [this] {
        Scene s = m_scene;
        if (!s.data.points && !s.data.mixture) return;
        if (s.data.points) m_editor.remember(*s.data.points);
        s.data.mixture.reset();
        s.data.points.reset();
        s.data.labels.clear();
        requestScene(s);
    });

    connect(m_data->mixturePanel(), &MixturePanel::mixtureEdited, this, &MainWindow::sendMixture);

    connect(m_model, &ModelPanel::loadRequested, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, "Load model", QString(), kModelOpenFilters);
        if (path.isEmpty()) return;
        Scene s = m_scene;
        s.model.denoiser = path.toStdString();
        requestScene(s);
    });
    connect(m_model, &ModelPanel::saveRequested, this, [this] {
        if (!isCheckpointPath(m_scene.model.denoiser))
            return (void)saveModelTo(QString()); // says there is no learned model to save
        QString filter;
        const QString path = QFileDialog::getSaveFileName(this, "Save model", "model.dsm",
                                                          kModelSaveFilters, &filter);
        if (!path.isEmpty()) saveModelTo(withFilterSuffix(path, filter));
    });
    connect(m_model, &ModelPanel::trainStart, this, &MainWindow::startTraining);
    connect(m_model, &ModelPanel::trainPause, this, [this] {
        m_trainPaused = true;
        m_model->setTraining(false);
        postTo(m_trainer, &TrainWorker::pause);
    });
    connect(m_model, &ModelPanel::trainReset, this, [this] {
        m_trainPaused = false;
        m_model->setTraining(false);
        postTo(m_trainer, &TrainWorker::reset);
    });
    connect(m_trainer, &TrainWorker::progress, this,
            [this](double step, double total, const QVector<double>& loss,
                   const QVector<double>& perT, const QString& checkpoint, bool finished) {
                m_model->showTraining(step, total, loss, perT, finished);
                m_loss = loss;
                if (!checkpoint.isEmpty() && m_model->followTraining()) {
                    Scene s = m_scene;
                    s.model.denoiser = checkpoint.toStdString();
                    requestScene(s);
                }
            });
    connect(m_trainer, &TrainWorker::where, this,
            [this](const QString& m) { statusBar()->showMessage(m, 8000); });
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
        if (ok)
            statusBar()->showMessage(message, 8000);
        else
            showError("Export", message);
        emit exportDone(ok, message);
    });
}

void MainWindow::setTimeCursor(double t) {
    m_worker->notePending();
    postTo(m_worker, [t](SceneWorker* w) { w->setTime(t); });
}

bool MainWindow::requestScene(const Scene& scene) {
    // Work over the memory budget, or large, is asked about first (budget_question.hpp).
    const std::optional<Scene> run = askSceneBudget(this, scene, m_scene);
    if (!run) {
        keepSession("kept the previous settings: the run was not started");
        return false;
    }
    m_busyTimer->start();
    postTo(m_worker, [s = *run](SceneWorker* w) { w->setScene(s); });
    return true;
}

void MainWindow::keepSession(const QString& why) {
    m_pointsInFlight.reset();
    showSceneInPanels(m_scene); // the panels and panes go back to the session the worker kept
    for (ViewPane* p : m_panes) p->setKind(m_scene.view.panes[std::size_t(p->index())]);
    if (m_restoring) m_restoring.reset(); // the session left behind stays for the next start
    statusBar()->showMessage(why, 8000);
}

void MainWindow::onSnapshot(SnapshotPtr s) {
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QElapsedTimer paint;
    paint.start();
    // Panels are refreshed only when the settings changed (not on every step, which would
    // wipe what the user is typing).
    const bool settingsChanged = s->settingsRevision != m_settingsRevision;
    m_settingsRevision = s->settingsRevision;
    m_snapshot = s;
    m_scene = s->scene;
    m_recovery->changed(std::shared_ptr<const Scene>(s, &s->scene), m_path); // shares, no copy
    if (m_restoring && settingsChanged) { // the recovered scene was accepted: it is ours now
        SessionRecovery::discard(*m_restoring);
        m_restoring.reset();
    }
    // Edits still in flight stay the base of the next one until their own snapshot arrives.
    if (m_pointsInFlight && s->scene.data.points && *s->scene.data.points == *m_pointsInFlight)
        m_pointsInFlight.reset();
    if (settingsChanged) {
        showSceneInPanels(m_scene);
        m_data->mixturePanel()->showMixture(s->mixture);
        m_perspectives->setSceneAbout(QString::fromStdString(m_scene.title),
                                      QString::fromStdString(m_scene.about));
    }
    m_perspectives->setImageData(s->imageData);
    if (const Perspective* p = perspectiveShowing(m_scene.view, s->imageData)) {
        const int shown = int(p - perspectives().data()); // the panes show this one
        if (shown != m_perspectives->current()) m_perspectives->select(shown);
    }
    for (ViewPane* p : m_panes) {
        p->setKind(m_scene.view.panes[std::size_t(p->index())]);
        p->showFieldOptions(m_scene.view);
        p->setImageData(s->imageData);
        p->setSnapshot(s);
    }
    m_inspector->showSnapshot(s);
    m_transport->showState(s->frame, s->totalFrames, s->cursorT, s->frameTime.t);
    m_noise->showGrid(s->grid, s->cursorT);
    m_statusBackend->setText("backend: " + s->backend);
    m_statusTime->setText(QString("t %1  sigma %2  logSNR %3")
                              .arg(s->frameTime.t, 0, 'f', 3)
                              .arg(s->frameTime.sigma, 0, 'g', 3)
                              .arg(std::isfinite(s->frameTime.logSnr)
                                       ? QString::number(s->frameTime.logSnr, 'f', 2)
                                       : "inf"));
    m_statusNfe->setText(QString("NFE %1").arg(s->nfe));
    const double dt = m_lastSnapshotNs ? double(now - m_lastSnapshotNs) : 0.0;
    m_lastSnapshotNs = now;
    m_statusFps->setText(QString("compute %1 ms%2")
                             .arg(s->computeMs, 0, 'f', 1)
                             .arg(m_playing && dt > 0
                                      ? QString("  %1 fps").arg(1000.0 / dt, 0, 'f', 1)
                                      : QString()));
    m_waiting = false;
    m_busyTimer->stop();
    m_busy->hide();
    if (m_playing && s->frame >= s->totalFrames - 1) setPlaying(false);
    emit snapshotShown();
}

void MainWindow::onFailed(const QString& message) {
    m_waiting = false;
    m_busyTimer->stop();
    m_busy->hide();
    setPlaying(false);
    m_pointsInFlight.reset();
    showSceneInPanels(m_scene); // the panels and panes go back to the session the worker kept
    for (ViewPane* p : m_panes) p->setKind(m_scene.view.panes[std::size_t(p->index())]);
    QString text = message;
    if (m_restoring) { // nothing is lost: the session left behind stays for the next start
        text += "\n\nThe session left behind stays at " + m_restoring->scenePath +
                " and is offered again at the next start.";
        m_restoring.reset();
    }
    showError("Could not apply the change", text);
}

void MainWindow::showError(const QString& title, const QString& text) {
    // Never the JSON library's exception codes (the readers translate their errors; a guard).
    const QString message = QString::fromStdString(jsonProblem(text.toStdString().c_str()));
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
    SceneFit fit;
    fit.scene = s;
    try {
        fit = fitSceneToData(s, m_scene);
    } catch (const std::exception& e) {
        showError("Model", e.what()); // the model file went bad: the session stays as it is
        return;
    }
    if (fit.imageLimits)
        statusBar()->showMessage(
            QString("image data: %1 particles, %2 steps (Sampler panel to change)")
                .arg(kImageSceneParticles)
                .arg(kImageSceneSteps),
            8000);
    if (fit.exactToIdeal)
        statusBar()->showMessage(QString::fromStdString(s.data.dataset) +
                                     " has no exact mixture parameters: using the ideal denoiser",
                                 8000);
    if (!fit.modelNote.empty())
        statusBar()->showMessage(QString::fromStdString(fit.modelNote), 12000);
    requestScene(fit.scene);
}

void MainWindow::setPlaying(bool on) {
    m_playing = on;
    m_transport->setPlaying(on);
    if (on) {
        if (m_snapshot && m_snapshot->frame >= m_snapshot->totalFrames - 1) {
            m_worker->notePending();
            postTo(m_worker, [](SceneWorker* w) { w->seek(0); });
        }
        m_playTimer->start();
    } else {
        m_playTimer->stop();
    }
}

void MainWindow::playTick() {
    if (m_waiting) return; // the previous frame is still being computed: never queue up work
    m_waiting = true;
    postTo(m_worker, [](SceneWorker* w) { w->step(1); });
}

void MainWindow::startTraining() {
    if (m_trainPaused) {
        m_trainPaused = false;
        m_model->setTraining(true);
        postTo(m_trainer, &TrainWorker::resume);
        return;
    }
    const Scene s = m_scene;
    const double lr = m_model->learningRate();
    const int panelWidth = m_model->width();
    const QString target = m_model->target();
    const long steps = m_model->steps();
    // Asked first when training would be over the memory budget or large (the spec as the
    // trainer builds it: the data's dimension from the scene's estimate).
    std::optional<int> fitWidth;
    try {
        TrainConfig config = trainConfigFor(s, lr, panelWidth, target, steps);
        config.model.dim = int(estimateScene(s).dim);
        QList<int> widths;
        for (int w = panelWidth; w >= 16; w /= 2) widths << w;
        fitWidth = askTrainingBudget(this, config.model, config.batch, widths);
    } catch (const std::exception& e) {
        showError("Training", e.what());
        return;
    }
    if (!fitWidth) {
        statusBar()->showMessage("training was not started", 8000);
        return;
    }
    const int width = *fitWidth;
    if (width != panelWidth)
        statusBar()->showMessage(
            QString("training %1 wide to fit the memory budget (Model panel: %2)")
                .arg(width)
                .arg(panelWidth),
            12000);
    m_model->setTraining(true);
    m_model->showTraining(0, double(steps), {}, {}, false); // a new run: the old curve goes
    m_model->setLiveFolder(m_trainer->modelFolder());
    postTo(m_trainer, [s, lr, width, target, steps, backend = m_backendName](TrainWorker* t) {
        t->start(s, lr, width, target, steps, backend);
    });
}

} // namespace dfs::gui
