// Crash-safe sessions: the window's scene (its data with every edit, the settings, the current
// model) is written atomically, off the UI thread, a moment after each change; a clean close
// removes it. After a crash or a kill the session's files stay, and the next start finds them
// (their process is gone) and offers them back.
//
// Files, in folder(): session-<pid>-<n>.json (the scene, as a scene file), .dsm (a copy of a
// model that would vanish with the process: one from live training, or one recovered earlier)
// and .source (the scene file the session was opened from, if any).
#pragma once

#include "core/scene/scene.hpp"

#include <QDateTime>
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <atomic>
#include <memory>
#include <optional>

class QTimer;

namespace dfs::gui {

/// A session left behind by a window whose process no longer runs.
struct OrphanSession {
    QString scenePath; ///< its last saved scene
    QString source;    ///< the scene file it was opened from ("" if none)
    QDateTime saved;   ///< when that scene was written
};

class SessionRecovery : public QObject {
    Q_OBJECT
public:
    /// DIFFUSCOPE_RECOVERY_DIR if set, else <the user's application data>/recovery.
    static QString folder();
    /// The newest session in folder() whose process no longer runs, if any.
    static std::optional<OrphanSession> findOrphan();
    /// Removes an orphan's files.
    static void discard(const OrphanSession& orphan);
    /// Whether `path` is a session file (a scene that keeps a model must copy it elsewhere).
    static bool isSessionFile(const std::string& path);

    /// Saves `delayMs` after the first change not yet saved.
    explicit SessionRecovery(QObject* parent = nullptr, int delayMs = 1500);
    /// A clean end: finishes a write in flight, then removes this session's files.
    ~SessionRecovery() override;

    /// Models under `folder` (live training's temporary folder) are copied into the session.
    void setVolatileModelFolder(const QString& folder) { m_volatileFolder = folder; }
    /// The session now is `scene`, opened from `source` ("" if none). Cheap (no copy): called
    /// on every snapshot; the scene is copied only when it is written.
    void changed(std::shared_ptr<const Scene> scene, const QString& source);
    /// Takes `orphan` over: returns its scene, whose model (if it was the orphan's copy) is now
    /// a copy of this session's. The orphan's files stay until discard(), once its scene has
    /// been accepted. Throws DataError naming the file if the scene cannot be read.
    Scene adopt(const OrphanSession& orphan);
    /// Waits until the pending change is written (tests).
    void flush();
    /// Writes completed so far.
    int saves() const { return m_saves.load(); }
    QString scenePath() const { return m_base + ".json"; }

signals:
    /// A write failed (disk full, folder not writable); the session itself is unaffected.
    void saveFailed(const QString& message);

private:
    void save();
    bool isVolatileModel(const std::string& path) const;

    QString m_base; ///< folder()/session-<pid>-<n>
    QString m_volatileFolder;
    QTimer* m_timer = nullptr;
    std::shared_ptr<const Scene> m_pending;
    QString m_source;
    QThreadPool m_pool; ///< one thread: writes happen in order
    std::atomic<int> m_saves{0};
    // Touched only by the writer thread:
    std::string m_modelCopiedFrom, m_lastText, m_lastSource;
};

} // namespace dfs::gui
