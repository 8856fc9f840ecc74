// Training in chunks of 100 steps; every 10 chunks (and at the end) the EMA model is written to a
// new checkpoint in a temporary folder, so a view never reads a file that is being written.
#include "app/gui/train_worker.hpp"

#include "core/backend/backend.hpp"
#include "core/errors.hpp"
#include "core/model/checkpoint.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/training/presets.hpp"
#include "core/training/trainer.hpp"

#include <QTimer>
#include <numeric>

namespace dfs::gui {

namespace {
constexpr long kChunk = 100;
constexpr int kChunksPerModel = 10;
} // namespace

TrainConfig trainConfigFor(const Scene& scene, double lr, int width, const QString& target,
                           long steps) {
    TrainConfig config = trainPreset(scene.data.points ? "edited" : scene.data.dataset);
    config.adam.lr = lr;
    config.model.width = width;
    config.model.target = parseTrainTarget(target.toStdString());
    config.adam.totalSteps = steps;
    config.threads = 1; // leave a core to the scene worker and the UI
    return config;
}

TrainWorker::TrainWorker(QObject* parent) : QObject(parent) {}
TrainWorker::~TrainWorker() = default;

void TrainWorker::start(const Scene& scene, double lr, int width, const QString& target, long steps,
                        const QString& backend) {
    m_running = false;
    m_trainer.reset(); // before the backend whose device it may use
    m_backend.reset();
    try {
        const PointSet data = buildSceneData(scene.data);
        m_trainer =
            std::make_unique<Trainer>(data, trainConfigFor(scene, lr, width, target, steps));
        QString where = "training on the CPU";
        if (backend != "cpu") {
            try {
                m_backend = makeBackend(backend.toStdString(), 1);
                if (m_trainer->useDevice(*m_backend))
                    where = "training on " + QString::fromStdString(m_backend->device());
                else
                    where += QString(" (%1 has no training path for this model here)")
                                 .arg(QString::fromStdString(m_backend->device()));
            } catch (const std::exception& e) {
                where += QString(" (%1)").arg(QString::fromStdString(e.what()));
            }
        }
        emit this->where(where);
        m_dataset = data.name;
        m_total = steps;
        m_loss.clear();
        m_running = true;
        QTimer::singleShot(0, this, &TrainWorker::chunk);
    } catch (const std::exception& e) {
        emit failed(QString::fromStdString(e.what()));
    }
}

void TrainWorker::pause() {
    m_running = false;
}

void TrainWorker::resume() {
    if (!m_trainer || m_running || m_trainer->step() >= m_total) return;
    m_running = true;
    QTimer::singleShot(0, this, &TrainWorker::chunk);
}

void TrainWorker::reset() {
    m_running = false;
    m_trainer.reset();
    m_backend.reset();
    m_loss.clear();
    emit progress(0, 0, {}, {}, QString(), false);
}

void TrainWorker::chunk() {
    if (!m_running || !m_trainer) return;
    try {
        const TrainProgress p = m_trainer->train(std::min(kChunk, m_total - m_trainer->step()));
        const auto& log = m_trainer->log();
        const std::size_t n = std::min<std::size_t>(log.size(), std::size_t(kChunk));
        double sum = 0;
        for (std::size_t k = log.size() - n; k < log.size(); ++k) sum += log[k].loss;
        if (n) m_loss.push_back(sum / double(n));
        const bool finished = p.diverged || m_trainer->step() >= m_total;
        QString path;
        if (m_loss.size() % kChunksPerModel == 0 || finished) {
            if (p.diverged) throw DataError(p.message);
            path = m_dir.filePath(QString("model-%1.dsm").arg(++m_written));
            CheckpointInfo info{m_dataset, m_trainer->step(), m_trainer->config().seed,
                                m_loss.isEmpty() ? 0.0 : m_loss.back()};
            saveCheckpoint(path.toStdString(), *m_trainer->snapshot(), info);
        }
        const std::vector<double> perT = m_trainer->bucketError();
        emit progress(double(m_trainer->step()), double(m_total), m_loss,
                      QVector<double>(perT.begin(), perT.end()), path, finished);
        if (finished)
            m_running = false;
        else
            QTimer::singleShot(0, this, &TrainWorker::chunk);
    } catch (const std::exception& e) {
        m_running = false;
        emit failed(QString::fromStdString(e.what()));
    }
}

} // namespace dfs::gui
