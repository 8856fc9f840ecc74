// Crash-safe sessions: writing the session in the background, finding and adopting orphans.
#include "app/gui/session_recovery.hpp"

#include "core/errors.hpp"
#include "core/io/atomic_file.hpp"
#include "core/scene/scene_io.hpp"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMetaObject>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTimer>
#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace dfs::gui {

namespace {

const QRegularExpression& sessionName() {
    static const QRegularExpression re("^session-(\\d+)-(\\d+)\\.json$");
    return re;
}

/// Whether process `pid` still runs (EPERM: it runs, as another user).
bool running(qint64 pid) {
    return pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno == EPERM);
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw DataError(path.toStdString() + ": cannot read: " + f.errorString().toStdString());
    return f.readAll();
}

} // namespace

QString SessionRecovery::folder() {
    const QString env = qEnvironmentVariable("DIFFUSCOPE_RECOVERY_DIR");
    if (!env.isEmpty()) return env;
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + "/recovery";
}

bool SessionRecovery::isSessionFile(const std::string& path) {
    const QFileInfo info(QString::fromStdString(path));
    return info.absolutePath() == QFileInfo(folder()).absoluteFilePath() &&
           info.fileName().startsWith("session-");
}

std::optional<OrphanSession> SessionRecovery::findOrphan() {
    std::optional<OrphanSession> best;
    const QDir dir(folder());
    for (const QFileInfo& f : dir.entryInfoList({"session-*.json"}, QDir::Files)) {
        const auto m = sessionName().match(f.fileName());
        if (!m.hasMatch() || running(m.captured(1).toLongLong())) continue;
        if (best && f.lastModified() <= best->saved) continue;
        OrphanSession o{f.absoluteFilePath(), QString(), f.lastModified()};
        const QString sourceFile = f.absolutePath() + "/" + f.completeBaseName() + ".source";
        if (QFile::exists(sourceFile)) o.source = QString::fromUtf8(readAll(sourceFile));
        best = o;
    }
    return best;
}

void SessionRecovery::discard(const OrphanSession& orphan) {
    // Its files and any temporary file a write cut short left beside them.
    const QFileInfo f(orphan.scenePath);
    QDir dir(f.absolutePath());
    for (const QString& name : dir.entryList({f.completeBaseName() + ".*"}, QDir::Files))
        dir.remove(name);
}

SessionRecovery::SessionRecovery(QObject* parent, int delayMs) : QObject(parent) {
    static std::atomic<int> instances{0};
    m_base = QString("%1/session-%2-%3")
                 .arg(QFileInfo(folder()).absoluteFilePath())
                 .arg(::getpid())
                 .arg(++instances);
    m_pool.setMaxThreadCount(1);
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    m_timer->setInterval(delayMs);
    connect(m_timer, &QTimer::timeout, this, &SessionRecovery::save);
}

SessionRecovery::~SessionRecovery() {
    m_timer->stop();
    m_pool.waitForDone();
    for (const char* ext : {".json", ".dsm", ".source"}) QFile::remove(m_base + ext);
}

bool SessionRecovery::isVolatileModel(const std::string& path) const {
    if (isSessionFile(path)) return path != (m_base + ".dsm").toStdString();
    return !m_volatileFolder.isEmpty() && QFileInfo(QString::fromStdString(path)).absolutePath() ==
                                              QFileInfo(m_volatileFolder).absoluteFilePath();
}

void SessionRecovery::changed(std::shared_ptr<const Scene> scene, const QString& source) {
    m_pending = std::move(scene);
    m_source = source;
    if (!m_timer->isActive()) m_timer->start();
}

void SessionRecovery::flush() {
    if (m_timer->isActive()) {
        m_timer->stop();
        save();
    }
    m_pool.waitForDone();
}

void SessionRecovery::save() {
    if (!m_pending) return;
    Scene scene = *m_pending;
    m_pending.reset();
    const bool copyModel = isVolatileModel(scene.model.denoiser);
    m_pool.start([this, scene = std::move(scene), source = m_source.toStdString(), copyModel,
                  base = m_base.toStdString()]() mutable {
        try {
            QDir().mkpath(QFileInfo(QString::fromStdString(base)).absolutePath());
            if (copyModel) {
                // Models are immutable once written (live training writes a new file each
                // time), so a copy is made once per source.
                if (scene.model.denoiser != m_modelCopiedFrom) {
                    const QByteArray bytes = readAll(QString::fromStdString(scene.model.denoiser));
                    writeFileAtomic(base + ".dsm",
                                    std::string_view(bytes.data(), std::size_t(bytes.size())));
                    m_modelCopiedFrom = scene.model.denoiser;
                }
                scene.model.denoiser = base + ".dsm";
            }
            if (source != m_lastSource) {
                writeFileAtomic(base + ".source", source);
                m_lastSource = source;
            }
            std::string text = sceneToJson(scene);
            if (text != m_lastText) {
                writeFileAtomic(base + ".json", text);
                m_lastText = std::move(text);
            }
            ++m_saves;
        } catch (const std::exception& e) {
            QMetaObject::invokeMethod(
                this,
                [this, message = QString::fromStdString(e.what())] { emit saveFailed(message); },
                Qt::QueuedConnection);
        }
    });
}

Scene SessionRecovery::adopt(const OrphanSession& orphan) {
    Scene scene = loadScene(orphan.scenePath.toStdString());
    const QFileInfo f(orphan.scenePath);
    const QString model = f.absolutePath() + "/" + f.completeBaseName() + ".dsm";
    if (QFileInfo(QString::fromStdString(scene.model.denoiser)).absoluteFilePath() ==
        QFileInfo(model).absoluteFilePath()) {
        // A copy, not a move: the orphan stays whole until its scene has been accepted.
        m_pool.waitForDone();
        const QByteArray bytes = readAll(model);
        writeFileAtomic((m_base + ".dsm").toStdString(),
                        std::string_view(bytes.data(), std::size_t(bytes.size())));
        scene.model.denoiser = (m_base + ".dsm").toStdString();
    }
    return scene;
}

} // namespace dfs::gui
