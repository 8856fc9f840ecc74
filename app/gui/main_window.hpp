// The main window: the panels (Data, Noise process, Model, Sampler) at the left, a 2x2 grid of
// linked view panes with the transport bar in the middle, the inspector at the right; menus,
// toolbar, status bar. It owns the worker threads and keeps the last scene the worker accepted,
// so a failed change leaves the session as it was.
#pragma once

#include "app/gui/data_panel.hpp"
#include "app/gui/mixture_editor.hpp"
#include "app/gui/point_editor.hpp"
#include "app/gui/worker_snapshot.hpp"
#include "app/render/scene_export.hpp"

#include <QMainWindow>
#include <QThread>
#include <array>
#include <memory>
#include <vector>

class QDockWidget;
class QLabel;
class QMenu;
class QTimer;
class QProgressDialog;

namespace dfs::gui {

class SceneWorker;
class TrainWorker;
class ViewPane;
class NoisePanel;
class ModelPanel;
class SamplerPanel;
class TransportBar;
class Inspector;
class PerspectivesPanel;
class SessionRecovery;
struct OrphanSession;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    /// Opens `scenePath` if given, else the default scene.
    explicit MainWindow(const QString& scenePath = QString(), QWidget* parent = nullptr);
    ~MainWindow() override;

    // For tests and the screenshot script.
    SnapshotPtr snapshot() const { return m_snapshot; }
    const Scene& scene() const { return m_scene; }
    ViewPane* pane(int i) const { return m_panes[std::size_t(i)]; }
    Inspector* inspector() const { return m_inspector; }
    DataPanel* dataPanel() const { return m_data; }
    PerspectivesPanel* perspectivesPanel() const { return m_perspectives; }
    /// Lays out perspective `name`'s panes on the current model ("Show me").
    void showPerspective(const QString& name);
    /// Opens perspective `name`'s guided preset scene.
    void openPerspectivePreset(const QString& name);
    /// Opens a scene compiled into the program (File > Examples); false if it fails.
    bool openBuiltinScene(const QString& name);
    /// The last error shown to the user ("" if none).
    const QString& lastError() const { return m_lastError; }
    /// Whether message boxes are shown for errors (tests turn them off and read lastError()).
    void setInteractive(bool on) { m_interactive = on; }
    /// Sends a scene to the worker (as Open does). The session changes only if it is accepted.
    /// Asks first when the scene is over the memory budget or large (budget_question.hpp);
    /// false when the user cancels (nothing changes).
    bool requestScene(const Scene& scene);
    /// Moves the one time cursor (the transport's t slider, a click on the schedule plot).
    void setTimeCursor(double t);
    bool openScene(const QString& path);
    /// Starts an export on the worker, with a progress dialog (and cancel) when interactive.
    void requestExport(const render::ExportRequest& request);
    /// Switches the compute backend ("cpu", "vulkan"); a failure keeps the current one.
    void requestBackend(const QString& name);
    bool saveSceneTo(const QString& path);
    /// After a crash or a kill: offers the session left behind, if any (asks; interactive).
    void offerRecovery();
    /// Restores a session left behind (session_recovery.hpp); false (with the error shown and
    /// its files kept) if it cannot be read.
    bool restoreSession(const OrphanSession& orphan);
    /// The crash-safe copy of this session (tests).
    SessionRecovery* recovery() const { return m_recovery; }
    /// Imports points from a CSV, .npy or .npz file (the format by the extension).
    bool importCsv(const QString& path);
    /// Saves the scene's learned model as `path` (.dsm, or .safetensors for an MLP) and
    /// switches the scene to it; false (error shown) otherwise.
    bool saveModelTo(const QString& path);
    /// Writes table `what` (a view's table, "schedule" or "loss") to `path`: CSV, JSON, .npy or
    /// .npz by its extension (a view's table is written by the worker: exportDone says when).
    void exportDataTo(const QString& what, const QString& path);
    /// Applies a point edit at data coordinates with the current tool (press = start a gesture).
    void editAt(double x, double y, bool press);
    void finishEdit();
    void undoEdit();

signals:
    /// Emitted after every snapshot is shown (tests wait on it).
    void snapshotShown();
    /// Emitted when an error is reported to the user (after lastError() is set).
    void errorShown(const QString& message);
    /// An export ended: ok, or not (the message says why or where it wrote).
    void exportDone(bool ok, const QString& message);

private:
    void buildMenus();
    void buildExamplesMenu(QMenu* file);
    void buildPerspectivesMenu();
    void connectWorker();
    void onSnapshot(SnapshotPtr s);
    void onFailed(const QString& message);
    void showError(const QString& title, const QString& message);
    /// A change was not made: the panels and panes show the session as it is again.
    void keepSession(const QString& why);
    void showSceneInPanels(const Scene& s);
    Scene sceneFromPanels() const;
    void panelsEdited();
    void setPlaying(bool on);
    void playTick();
    void onCanvasPressed(int pane, double x, double y);
    void exportDialog();
    void exportDataDialog();
    void startTraining();
    Matrix currentPoints() const;
    void sendPoints(Matrix points, bool pushUndo);
    /// Sends the data as this edited mixture (its exact denoiser follows).
    void sendMixture(const GmmParams& mixture);

    QThread m_thread, m_trainThread;
    SceneWorker* m_worker = nullptr;
    TrainWorker* m_trainer = nullptr;
    SessionRecovery* m_recovery = nullptr;
    /// A session left behind, being restored: removed once its scene is accepted.
    std::unique_ptr<OrphanSession> m_restoring;
    Scene m_scene;
    SnapshotPtr m_snapshot;
    std::array<ViewPane*, 4> m_panes{};
    DataPanel* m_data = nullptr;
    NoisePanel* m_noise = nullptr;
    ModelPanel* m_model = nullptr;
    SamplerPanel* m_sampler = nullptr;
    TransportBar* m_transport = nullptr;
    Inspector* m_inspector = nullptr;
    PerspectivesPanel* m_perspectives = nullptr;
    QDockWidget* m_perspectivesDock = nullptr;
    QLabel *m_statusBackend = nullptr, *m_statusTime = nullptr, *m_statusNfe = nullptr,
           *m_statusFps = nullptr;
    QTimer* m_playTimer = nullptr;
    /// A request that takes longer than a moment shows a busy bar in the status bar.
    QTimer* m_busyTimer = nullptr;
    QWidget* m_busy = nullptr;
    bool m_playing = false, m_waiting = false, m_interactive = true, m_trainPaused = false;
    QString m_path, m_lastError;
    QString m_backendName = "cpu"; ///< the backend chosen in Preferences
    PointEditor m_editor;
    MixtureEditor m_mixtureEditor;
    std::optional<Matrix> m_pointsInFlight;   ///< edited points sent, not yet in a snapshot
    std::uint64_t m_settingsRevision = ~0ull; ///< the worker's settings revision shown in panels
    double m_editScale = 100;                 ///< pixels per data unit of the pane being edited
    QProgressDialog* m_exportProgress = nullptr;
    qint64 m_lastSnapshotNs = 0;
    QVector<double> m_loss; ///< the training loss per chunk of 100 steps (for export)
};

} // namespace dfs::gui
