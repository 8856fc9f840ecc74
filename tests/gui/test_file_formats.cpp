// The window's save and open dialogs offer every format the core writes by the extension
// (file_filters.hpp): data exported as .npy reads back with the core's .npy reader, equal to the
// CSV export; a model saved as .safetensors loads back with the same weights and gives the same
// field; points import from .npy.
#include "app/gui/file_filters.hpp"
#include "app/gui/main_window.hpp"
#include "core/io/csv.hpp"
#include "core/io/npy.hpp"
#include "core/io/table_io.hpp"
#include "core/model/checkpoint.hpp"
#include "core/model/model.hpp"
#include "open_window.hpp"
#include "wait_for.hpp"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace dfs;
using namespace dfs::gui;
using dfs::gui::test::openTestWindow;
using dfs::gui::test::waitFor;

class FileFormatsTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<MainWindow> m_w;

    void fresh() {
        m_w = openTestWindow({1200, 800});
        QVERIFY(m_w);
    }
    /// Exports table `what` to `name` in the test's folder and waits until it is written.
    std::string exportTo(const QString& what, const QString& name) {
        QSignalSpy done(m_w.get(), &MainWindow::exportDone);
        m_w->exportDataTo(what, m_dir.filePath(name));
        if (!done.wait(30000)) return {};
        if (!done.back()[0].toBool()) qWarning() << done.back()[1].toString();
        return m_dir.filePath(name).toStdString();
    }

private slots:
    void theDialogsOfferEveryFormat() {
        for (const char* f : {"*.csv", "*.json", "*.npy", "*.npz"})
            QVERIFY(kDataExportFilters.contains(f));
        for (const char* f : {"*.dsm", "*.safetensors"}) {
            QVERIFY(kModelSaveFilters.contains(f));
            QVERIFY(kModelOpenFilters.contains(f));
        }
        for (const char* f : {"*.csv", "*.npy", "*.npz"}) QVERIFY(kPointsOpenFilters.contains(f));
        // A name typed without an extension takes the chosen filter's.
        QCOMPARE(withFilterSuffix("/a.b/samples", "NumPy array (*.npy)"),
                 QString("/a.b/samples.npy"));
        QCOMPARE(withFilterSuffix("/a/m", "safetensors, MLP models (*.safetensors)"),
                 QString("/a/m.safetensors"));
        QCOMPARE(withFilterSuffix("/a/samples.csv", "NumPy array (*.npy)"),
                 QString("/a/samples.csv"));
    }

    void dataExportedAsNpyReadsBack() {
        QVERIFY(m_dir.isValid());
        fresh();
        const std::string csv = exportTo("field", "field.csv");
        const std::string npy = exportTo("field", "field.npy");
        QVERIFY(!csv.empty() && !npy.empty());
        const CsvTable table = readCsv(csv);
        const Matrix array = readNpy(npy); // the core's .npy reader
        QCOMPARE(array.rows(), table.values.rows());
        QCOMPARE(array.cols(), table.values.cols());
        QVERIFY(array.rows() > 100);
        QVERIFY(array == table.values); // the CSV round-trips doubles exactly
        // A set of columns as .npz, named by the columns.
        const std::string npz = exportTo("field", "field.npz");
        const CsvTable columns = readTable(npz);
        QCOMPARE(columns.header, table.header);
        QVERIFY(columns.values == table.values);
        // Points import from .npy as from CSV.
        Matrix points(50, 2);
        for (int i = 0; i < 50; ++i) points.row(i) << 0.1 * i, -0.05 * i;
        const QString pointsPath = m_dir.filePath("points.npy");
        writeNpy(pointsPath.toStdString(), points);
        QVERIFY(m_w->importCsv(pointsPath));
        QVERIFY(waitFor([&] { return m_w->scene().data.dataset == pointsPath.toStdString(); }));
        QVERIFY(m_w->lastError().isEmpty());
    }

    void aModelSavedAsSafetensorsLoadsBackTheSame() {
        fresh();
        ModelSpec spec;
        spec.mean = {0.0, 0.0};
        spec.width = 32;
        spec.depth = 2;
        Model model(spec);
        model.net.initialise(11);
        const std::string dsm = m_dir.filePath("small.dsm").toStdString();
        saveCheckpoint(dsm, model, {"gmm8", 1, 0, 0.0});
        Scene s = m_w->scene();
        s.model.denoiser = dsm;
        m_w->requestScene(s);
        QVERIFY(waitFor([&] { return m_w->scene().model.denoiser == dsm; }));
        const std::string before = exportTo("field", "before.npy");
        const QString saved = m_dir.filePath("small.safetensors");
        QVERIFY(m_w->saveModelTo(saved));
        QVERIFY(waitFor([&] { return m_w->scene().model.denoiser == saved.toStdString(); }));
        QCOMPARE(loadCheckpoint(saved.toStdString())->net.params(), model.net.params());
        // The same outputs: the field the window computes with either file.
        const std::string after = exportTo("field", "after.npy");
        QVERIFY(!before.empty() && !after.empty());
        QVERIFY(readNpy(before) == readNpy(after));
        QVERIFY(m_w->lastError().isEmpty());
    }

    void cleanupTestCase() { m_w.reset(); }
};

QTEST_MAIN(FileFormatsTest)
#include "test_file_formats.moc"
