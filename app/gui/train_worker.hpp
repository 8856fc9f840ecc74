// Live training on its own thread: runs the core Trainer in chunks, so that pause and reset are
// handled between chunks, reports the loss after each chunk, and writes the EMA model to a
// checkpoint file that the scene can use while training goes on.
#pragma once

#include "core/scene/scene.hpp"

#include <QObject>
#include <QString>
#include <QTemporaryDir>
#include <QVector>
#include <memory>

namespace dfs {
class Backend;
class Trainer;
struct TrainConfig;
} // namespace dfs

namespace dfs::gui {

/// The settings live training uses: the preset for the scene's dataset ("edited" for edited
/// points) with the Model panel's overrides. The one place both the worker and the window's
/// budget question (budget_question.hpp) take them from.
TrainConfig trainConfigFor(const Scene& scene, double lr, int width, const QString& target,
                           long steps);

class TrainWorker : public QObject {
    Q_OBJECT
public:
    explicit TrainWorker(QObject* parent = nullptr);
    ~TrainWorker() override;
    /// The temporary folder of the models written while training (gone when the program
    /// ends); constant, so any thread may ask.
    QString modelFolder() const { return m_dir.path(); }

public slots:
    /// Starts a new run on the scene's data (the preset for its dataset with these overrides).
    /// An MLP trains on `backend`'s device where it has a training path (its own instance, on
    /// this thread), else on the CPU; `where` says which.
    void start(const dfs::Scene& scene, double lr, int width, const QString& target, long steps,
               const QString& backend);
    void pause();
    void resume();
    void reset();

signals:
    void progress(double step, double total, const QVector<double>& loss,
                  const QVector<double>& perT, const QString& checkpoint, bool finished);
    void failed(const QString& message);
    /// Where a run trains, once it starts ("the CPU", or the device and why not).
    void where(const QString& message);

private slots:
    void chunk();

private:
    std::unique_ptr<Backend> m_backend; ///< before m_trainer, which may use its device
    std::unique_ptr<Trainer> m_trainer;
    std::string m_dataset;
    long m_total = 0;
    bool m_running = false;
    QVector<double> m_loss;
    const QTemporaryDir m_dir;
    int m_written = 0;
};

} // namespace dfs::gui
