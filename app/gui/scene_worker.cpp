// The worker thread's side: requests in, snapshots out.
#include "app/gui/scene_worker.hpp"

#include "app/render/scene_export.hpp"
#include "core/backend/backend.hpp"
#include "core/errors.hpp"
#include "core/perspectives/perspective.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/scene_tables.hpp"
#include "core/scene/view_registry.hpp"

#include <QElapsedTimer>
#include <algorithm>
#include <new>

namespace dfs::gui {

SceneWorker::SceneWorker(QObject* parent) : QObject(parent), m_backend(makeBackend("cpu")) {}
SceneWorker::~SceneWorker() = default;

template <typename F> void SceneWorker::guarded(F&& f) {
    try {
        f();
    } catch (const DeviceError& e) {
        fallBackToCpu(QString::fromStdString(e.what()));
    } catch (const std::bad_alloc&) {
        emit failed("out of memory: try fewer points, particles or steps");
    } catch (const std::exception& e) {
        emit failed(QString::fromStdString(e.what()));
    }
}

void SceneWorker::fallBackToCpu(const QString& why) {
    const QString was = QString::fromStdString(m_backend->name());
    try {
        auto cpu = makeBackend("cpu");
        // The engine refers to its backend: rebuild it on the CPU before the old backend goes.
        std::unique_ptr<SceneEngine> engine;
        if (m_engine) engine = m_engine->replayOn(*cpu, m_frame + 1);
        m_engine = std::move(engine);
        m_backend = std::move(cpu);
        if (m_engine) m_frame = std::min(m_frame, m_engine->recordedFrames() - 1);
        emit failed(
            QString("the %1 backend failed (%2); switched to the CPU backend").arg(was, why));
        if (m_engine) publish();
    } catch (const std::exception& e) {
        emit failed(QString("the %1 backend failed (%2), and so did the CPU backend: %3")
                        .arg(was, why, QString::fromStdString(e.what())));
    }
}

void SceneWorker::setScene(const Scene& scene) {
    guarded([&] {
        auto engine = std::make_unique<SceneEngine>(scene, *m_backend);
        // One clock: a scene's frame sets the time cursor to that frame's time; without one
        // (-1) the run opens at the frame nearest its time cursor.
        const int wanted = scene.view.frame >= 0
                               ? std::min(scene.view.frame, engine->totalFrames() - 1)
                               : frameNearest(*engine, scene.view.t);
        engine->recordFrames(wanted + 1);
        m_engine = std::move(engine); // only now: a failure above keeps the old scene
        ++m_revision;
        m_frame = m_engine->recordedFrames() - 1;
        m_t = scene.view.frame >= 0 ? frameTime(m_frame) : scene.view.t;
        m_particle = std::min<long>(scene.view.highlight, scene.sampler.particles - 1);
        m_followDropped = false;
        publish();
    });
}

int SceneWorker::frameNearest(const SceneEngine& engine, double t) {
    const std::vector<double>& grid = engine.grid();
    int best = 0;
    for (int i = 1; i < int(grid.size()); ++i)
        if (std::abs(grid[std::size_t(i)] - t) < std::abs(grid[std::size_t(best)] - t)) best = i;
    return best;
}

double SceneWorker::frameTime(int frame) const {
    const std::vector<double>& grid = m_engine->grid();
    return std::clamp(grid[std::size_t(frame)], 0.0, 1.0);
}

void SceneWorker::showFrame(int frame) {
    const int target = std::clamp(frame, 0, m_engine->totalFrames() - 1);
    m_engine->recordFrames(target + 1);
    m_frame = target;
    m_t = frameTime(target);
}

void SceneWorker::setBackend(const QString& name) {
    std::unique_ptr<Backend> backend;
    try {
        backend = makeBackend(name.toStdString());
    } catch (const std::exception& e) {
        emit failed(QString("could not start the %1 backend (%2); staying on %3")
                        .arg(name, QString::fromStdString(e.what()),
                             QString::fromStdString(m_backend->name())));
        return;
    }
    try {
        // The engine refers to its backend: replay the run on the new one first. A failure here
        // (the new device included) keeps the current backend and engine.
        std::unique_ptr<SceneEngine> engine;
        if (m_engine) engine = m_engine->replayOn(*backend, m_frame + 1);
        m_engine = std::move(engine);
        m_backend = std::move(backend);
        if (m_engine) m_frame = std::min(m_frame, m_engine->recordedFrames() - 1);
    } catch (const std::exception& e) {
        emit failed(QString("could not move the run to the %1 backend (%2); staying on %3")
                        .arg(name, QString::fromStdString(e.what()),
                             QString::fromStdString(m_backend->name())));
        return;
    }
    guarded([&] {
        if (m_engine) publish();
    });
}

void SceneWorker::step(int delta) {
    if (!m_engine) return;
    guarded([&] {
        showFrame(m_frame + delta);
        publish();
    });
}

bool SceneWorker::stale() {
    // A newer coalescable request is queued: it will publish, this one would only be stale.
    const int left = --m_pending;
    if (left < 0) m_pending = 0;
    return left > 0;
}

void SceneWorker::seek(int frame) {
    const bool skip = stale();
    if (!m_engine) return;
    guarded([&] {
        showFrame(frame);
        if (!skip) publish();
    });
}

void SceneWorker::toEnd() {
    if (!m_engine) return;
    ++m_pending;
    seek(m_engine->totalFrames() - 1);
}

void SceneWorker::setTime(double t) {
    const bool skip = stale();
    if (!m_engine) return;
    guarded([&] {
        // One clock: the run shows its frame nearest the cursor; the sweeps show t itself.
        showFrame(frameNearest(*m_engine, std::clamp(t, 0.0, 1.0)));
        m_t = std::clamp(t, 0.0, 1.0);
        if (!skip) publish();
    });
}

void SceneWorker::setPaneKind(int pane, const std::string& view) {
    if (!m_engine || pane < 0 || pane > 3) return;
    guarded([&] {
        SceneView v = m_engine->scene().view;
        v.panes[std::size_t(pane)] = view;
        m_engine->setView(v);
        publish();
    });
}

void SceneWorker::showPerspective(const std::string& name) {
    if (!m_engine) return;
    guarded([&] {
        Scene scene = m_engine->scene();
        applyPerspective(scene, findPerspective(name), m_engine->isImage());
        m_engine->setView(scene.view);
        publish();
    });
}

void SceneWorker::setFieldOptions(const std::string& quantity, bool streamlines) {
    if (!m_engine) return;
    guarded([&] {
        SceneView v = m_engine->scene().view;
        v.fieldQuantity = quantity;
        v.streamlines = streamlines;
        m_engine->setView(v);
        publish();
    });
}

void SceneWorker::setPathOptions(int paths, double opacity, const std::string& colour) {
    if (!m_engine) return;
    guarded([&] {
        SceneView v = m_engine->scene().view;
        v.paths = paths;
        v.pathOpacity = opacity;
        v.particleColour = colour;
        m_engine->setView(v);
        publish();
    });
}

void SceneWorker::branch(const SceneSampler& settings) {
    if (!m_engine) return;
    guarded([&] {
        m_engine->branch(m_frame, settings);
        ++m_revision;
        publish();
    });
}

void SceneWorker::dropParticle(double x, double y) {
    if (!m_engine) return;
    guarded([&] {
        m_engine->dropParticle(m_frame, x, y);
        m_followDropped = true; // the inspector follows it (issue 15)
        publish();
    });
}

void SceneWorker::selectParticle(long particle) {
    if (!m_engine) return;
    guarded([&] {
        SceneView v = m_engine->scene().view;
        v.highlight = std::clamp<long>(particle, 0, m_engine->scene().sampler.particles - 1);
        m_engine->setView(v);
        m_particle = v.highlight;
        m_followDropped = false;
        publish();
    });
}

void SceneWorker::setTarget(double x, double y) {
    if (!m_engine) return;
    guarded([&] {
        SceneView v = m_engine->scene().view;
        v.target = std::array<double, 2>{x, y};
        m_engine->setView(v);
        publish();
    });
}

void SceneWorker::exportViews(render::ExportRequest r) {
    if (!m_engine) return;
    try {
        r.stillT = m_t;
        r.stillFrame = m_frame;
        const render::ExportResult res =
            render::exportScene(*m_engine, r, [this](int done, int total) {
                emit exportProgress(done, total);
                return !m_cancel.load();
            });
        emit exportFinished(true, QString("wrote %1 (%2 frames in %3 s)")
                                      .arg(QString::fromStdString(r.out))
                                      .arg(res.frames)
                                      .arg(res.seconds, 0, 'f', 1));
    } catch (const render::ExportCancelled&) {
        emit exportFinished(false, "export cancelled; no file was written");
    } catch (const std::exception& e) {
        emit exportFinished(false, QString::fromStdString(e.what()));
    }
}

void SceneWorker::exportData(const QString& what, const QString& path) {
    if (!m_engine) return;
    try {
        const std::string p = path.toStdString();
        Table t;
        if (what == "schedule")
            t = scheduleTable(m_engine->schedule());
        else
            t = viewTable(*m_engine, what.toStdString(), m_frame, m_t); // a view's table
        writeTable(p, t);
        emit exportFinished(
            true, QString("wrote %1 rows of %2 to %3").arg(t.rows.rows()).arg(what, path));
    } catch (const std::exception& e) {
        emit exportFinished(false, QString::fromStdString(e.what()));
    }
}

void SceneWorker::publish() {
    QElapsedTimer timer;
    timer.start();
    auto s = std::make_shared<WorkerSnapshot>();
    const SceneEngine& e = *m_engine;
    s->scene = e.scene();
    s->settingsRevision = m_revision;
    s->imageData = e.isImage();
    s->scene.view.t = m_t;
    s->scene.view.frame = m_frame == e.totalFrames() - 1 ? -1 : m_frame;
    for (std::size_t k = 0; k < s->panes.size(); ++k)
        s->panes[k] = makeSnapshot(e, s->scene.view.panes[k], m_frame, m_t);
    const auto f = e.frame(m_frame);
    s->frame = m_frame;
    s->recordedFrames = e.recordedFrames();
    s->totalFrames = e.totalFrames();
    s->cursorT = m_t;
    s->frameTime = e.timeInfo(f->t);
    s->nfe = f->nfe;
    s->backend = QString::fromStdString(m_backend->name() + " (" + m_backend->device() + ")");
    s->grid = e.grid();
    if (!e.isImage())
        s->particle =
            m_followDropped && e.droppedParticleInfo(m_frame)
                ? e.droppedParticleInfo(m_frame)
                : e.particleInfo(m_frame, std::min<long>(m_particle, long(f->x.rows()) - 1));
    if (!e.isImage() && !s->scene.data.points) s->mixture = e.data().gmm;
    const Matrix& pts = e.data().points;
    const Index stride = std::max<Index>(1, pts.rows() / 5000);
    for (Index r = 0; r < pts.rows() && !e.isImage(); r += stride) {
        s->data.push_back(float(pts(r, 0)));
        s->data.push_back(float(pts(r, 1)));
    }
    if (stride > 1 && s->particle) s->particle->weights.clear(); // weights match all points
    s->computeMs = double(timer.nsecsElapsed()) / 1e6;
    emit snapshotReady(std::move(s));
}

} // namespace dfs::gui
