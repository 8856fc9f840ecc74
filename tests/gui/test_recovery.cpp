// Crash-safe sessions (app/gui/session_recovery.hpp): a window killed mid-edit, with a model
// trained live, is restored at the next start with nothing lost; a clean close leaves nothing;
// a broken session left behind is refused by name and kept.
#include "app/gui/main_window.hpp"
#include "app/gui/session_recovery.hpp"
#include "core/scene/scene_io.hpp"
#include "wait_for.hpp"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace dfs;
using namespace dfs::gui;
using dfs::gui::test::waitFor;

namespace {

QByteArray bytes(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// The pid of a process that has ended.
qint64 deadPid() {
    QProcess p;
    p.start("true", QStringList());
    p.waitForFinished();
    return p.processId() ? p.processId() : 999999;
}

void clearFolder() {
    QDir dir(SessionRecovery::folder());
    for (const QString& f : dir.entryList({"session-*"}, QDir::Files)) dir.remove(f);
}

} // namespace

class RecoveryTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void init() { clearFolder(); }

    void aKilledWindowIsRestoredWithNothingLost() {
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(DIFFUSCOPE_CRASH_CHILD, QStringList());
        QVERIFY(child.waitForStarted());
        QByteArray line;
        QVERIFY(waitFor(
            [&] {
                if (child.canReadLine()) line = child.readLine().trimmed();
                return !line.isEmpty() || child.state() == QProcess::NotRunning;
            },
            240000));
        QVERIFY2(line.startsWith("kept "), line.constData());
        const QString live = QString::fromUtf8(line.mid(5));
        child.kill(); // SIGKILL: no destructor, no clean-up
        QVERIFY(child.waitForFinished());
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);

        const auto orphan = SessionRecovery::findOrphan();
        QVERIFY(orphan.has_value());
        MainWindow w;
        w.setInteractive(false);
        w.show();
        QVERIFY(waitFor([&] { return w.snapshot() != nullptr; }));
        QVERIFY(w.restoreSession(*orphan));
        QVERIFY(waitFor([&] { return w.scene().sampler.steps == 17; }));
        const Scene& s = w.scene();
        // The data with every finished edit: the three added points.
        QVERIFY(s.data.points.has_value());
        QCOMPARE(s.data.points->rows(), Index(2003));
        const double added[3][2] = {{-2.5, 2.6}, {2.7, -2.4}, {0.1, 0.2}};
        for (const auto& p : added) {
            bool found = false;
            for (Index i = 0; i < s.data.points->rows(); ++i)
                found |= (*s.data.points)(i, 0) == p[0] && (*s.data.points)(i, 1) == p[1];
            QVERIFY2(found, "an added point was lost");
        }
        QCOMPARE(s.sampler.sampler, std::string("ddim"));
        // The model trained live, whose temporary file the killed process left: a copy, equal
        // byte for byte, now held by this session.
        QVERIFY(SessionRecovery::isSessionFile(s.model.denoiser));
        QVERIFY(!bytes(live).isEmpty());
        QCOMPARE(bytes(QString::fromStdString(s.model.denoiser)), bytes(live));
        QVERIFY(w.windowTitle().contains("(recovered)"));
        // The session left behind is gone once its scene was accepted.
        QVERIFY(waitFor([&] { return !QFile::exists(orphan->scenePath); }));
        QVERIFY(!SessionRecovery::findOrphan().has_value());
        // Saving keeps the recovered model beside the scene (the session's copy goes at exit).
        const QString saved = m_dir.filePath("restored.json");
        QVERIFY(w.saveSceneTo(saved));
        QCOMPARE(loadScene(saved.toStdString()).model.denoiser,
                 m_dir.filePath("restored.dsm").toStdString());
        QCOMPARE(bytes(m_dir.filePath("restored.dsm")), bytes(live));
        // The killed process's temporary folder is the test's to remove.
        const QString folder = QFileInfo(live).absolutePath();
        if (folder.startsWith(QDir::tempPath() + "/")) QDir(folder).removeRecursively();
    }

    void aCleanCloseLeavesNothing() {
        QString kept;
        {
            MainWindow w;
            w.setInteractive(false);
            w.show();
            QVERIFY(waitFor([&] { return w.snapshot() != nullptr; }));
            Scene s = w.scene();
            s.sampler.steps = 23;
            w.requestScene(s);
            QVERIFY(waitFor([&] { return w.scene().sampler.steps == 23; }));
            w.recovery()->flush();
            kept = w.recovery()->scenePath();
            QVERIFY(QFile::exists(kept));
            QCOMPARE(loadScene(kept.toStdString()).sampler.steps, 23);
            // A running window's session is not offered to another window.
            QVERIFY(!SessionRecovery::findOrphan().has_value());
        }
        QVERIFY(!QFile::exists(kept));
    }

    void aBrokenSessionIsNamedAndKept() {
        QDir().mkpath(SessionRecovery::folder());
        const QString path =
            QString("%1/session-%2-1.json").arg(SessionRecovery::folder()).arg(deadPid());
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("{\"format\": \"diffuscope-scene\", \"version\": 1, \"sampler\": {\"steps\": ");
        }
        const auto orphan = SessionRecovery::findOrphan();
        QVERIFY(orphan.has_value());
        QCOMPARE(orphan->scenePath, QFileInfo(path).absoluteFilePath());
        MainWindow w;
        w.setInteractive(false);
        w.show();
        QVERIFY(waitFor([&] { return w.snapshot() != nullptr; }));
        QVERIFY(!w.restoreSession(*orphan));
        QVERIFY2(w.lastError().contains(path), qPrintable(w.lastError()));
        QVERIFY(QFile::exists(path)); // nothing the user had is lost
        SessionRecovery::discard(*orphan);
        QVERIFY(!QFile::exists(path));
    }
};

QTEST_MAIN(RecoveryTest)
#include "test_recovery.moc"
