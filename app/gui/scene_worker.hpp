// The worker: one thread that owns the compute backend and the scene engine. The UI sends it
// requests (queued slots) and gets immutable snapshots back (snapshotReady); the UI thread
// never computes. Requests that only change what is shown (time cursor, frame) are coalesced:
// while newer ones are queued, older ones are skipped.
#pragma once

#include "app/gui/worker_snapshot.hpp"
#include "app/render/scene_export.hpp"

#include <QObject>
#include <atomic>
#include <memory>

namespace dfs {
class Backend;
class SceneEngine;
} // namespace dfs

namespace dfs::gui {

class SceneWorker : public QObject {
    Q_OBJECT
public:
    explicit SceneWorker(QObject* parent = nullptr);
    ~SceneWorker() override;

    /// Marks a coalescable request (seek, setTime) as queued: call it from the UI
    /// thread before posting one, so that stale ones are skipped.
    void notePending() { ++m_pending; }
    /// Arms a new export (call from the UI thread before posting exportViews, so that a
    /// cancel clicked before it starts is not lost).
    void beginExport() { m_cancel = false; }
    /// Asks a running export to stop (thread-safe); it leaves no file behind.
    void cancelExport() { m_cancel = true; }

public slots:
    /// Builds a new engine for the scene; on failure reports the error and keeps the old one.
    void setScene(const dfs::Scene& scene);
    /// Chooses the backend by name ("cpu", "vulkan"); on failure keeps the current one.
    void setBackend(const QString& name);
    /// Moves the shown frame by delta, recording new frames as needed.
    void step(int delta);
    /// Shows frame i (clamped), recording up to it.
    void seek(int frame);
    /// Records the whole run and shows its last frame.
    void toEnd();
    /// Moves the time cursor: the sweep views show t, the run its frame nearest t (one clock;
    /// stepping and seeking move the cursor to the frame's time).
    void setTime(double t);
    /// One pane's view; the other view settings stay as the worker has them.
    void setPaneKind(int pane, const std::string& view);
    /// Lays out perspective `name`'s panes (core/perspectives/) for the scene's data, keeping
    /// the run and the time cursor.
    void showPerspective(const std::string& name);
    /// The field quantity and style of every field pane.
    void setFieldOptions(const std::string& quantity, bool streamlines);
    /// How many particles every trajectories pane draws as paths, their opacity, and how the
    /// particles are coloured ("time" or "log-likelihood": log p_t computed here, off the UI
    /// thread, when the view is built).
    void setPathOptions(int paths, double opacity, const std::string& colour);
    /// Continues from the shown frame with new sampler settings.
    void branch(const dfs::SceneSampler& settings);
    /// Follows an extra particle dropped at (x, y) from the shown frame.
    void dropParticle(double x, double y);
    void selectParticle(long particle);
    /// The sensitivity view's BPTT target (SceneView::target), where the user clicked.
    void setTarget(double x, double y);
    /// Renders a request: a still of the shown frame and time (PNG, SVG) or an animation (GIF,
    /// MP4, DIR/), reporting progress; cancelExport() stops it without leaving a file.
    void exportViews(render::ExportRequest request);
    /// Writes data as CSV or JSON (by extension): "samples" (the shown frame), "trajectories"
    /// (up to it), "field" and "chain" (at the time cursor), "schedule".
    void exportData(const QString& what, const QString& path);

signals:
    void snapshotReady(dfs::gui::SnapshotPtr snapshot);
    /// A request failed; the message names what and where. The previous state is kept.
    void failed(const QString& message);
    void exportProgress(int done, int total);
    /// ok: the file was written (message says where); else the message says why not.
    void exportFinished(bool ok, const QString& message);

private:
    void publish();
    /// A DeviceError: the CPU backend takes over, and the user is told why.
    void fallBackToCpu(const QString& why);
    bool stale();
    /// The frame of `engine`'s run whose time is nearest t.
    static int frameNearest(const SceneEngine& engine, double t);
    /// The time of a frame of the run, in [0, 1].
    double frameTime(int frame) const;
    /// Records the run up to `frame` (clamped) and moves the frame and the time cursor there.
    void showFrame(int frame);
    template <typename F> void guarded(F&& f);
    std::unique_ptr<Backend> m_backend;
    std::unique_ptr<SceneEngine> m_engine;
    std::atomic<int> m_pending{0};
    std::atomic<bool> m_cancel{false};
    int m_frame = 0;
    double m_t = 0.5;
    long m_particle = 0;
    bool m_followDropped = false; ///< the inspector shows the dropped particle, not m_particle
    std::uint64_t m_revision = 0; ///< settings revision (see WorkerSnapshot)
};

} // namespace dfs::gui
