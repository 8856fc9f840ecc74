// Main window: point editing in chain panes, picking or dropping particles in trajectories
// panes, and setting the sensitivity view's target.
#include "app/gui/main_window.hpp"

#include "app/gui/mixture_panel.hpp"
#include "app/gui/post_to.hpp"
#include "app/gui/scene_worker.hpp"
#include "app/gui/view_pane.hpp"
#include "core/scene/scene_engine.hpp"

#include <QStatusBar>
#include <algorithm>

namespace dfs::gui {

namespace {
constexpr double kPickPixels = 12; ///< how near a click must be to pick a point or particle

/// Nearest row of (x, y) pairs to (x, y) within `radius`; -1 if none.
long nearest(const std::vector<float>& xy, double x, double y, double radius) {
    long best = -1;
    double bestD = radius * radius;
    for (std::size_t i = 0; i + 1 < xy.size(); i += 2) {
        const double d = (xy[i] - x) * (xy[i] - x) + (xy[i + 1] - y) * (xy[i + 1] - y);
        if (d <= bestD) bestD = d, best = long(i / 2);
    }
    return best;
}
} // namespace

Matrix MainWindow::currentPoints() const {
    // Points sent but not yet shown are the newest: edits in quick succession build on them.
    if (m_pointsInFlight) return *m_pointsInFlight;
    return m_scene.data.points ? *m_scene.data.points : buildSceneData(m_scene.data).points;
}

void MainWindow::sendPoints(Matrix points, bool pushUndo) {
    if (points.rows() == 0) {
        showError("Edit points", "the data needs at least one point");
        return;
    }
    Scene s = m_scene;
    if (pushUndo) m_editor.remember(currentPoints());
    m_pointsInFlight = points;
    s.data.points = std::move(points);
    s.data.labels.clear();
    if (s.model.denoiser == "exact") {
        s.model.denoiser = "ideal"; // edited points have no mixture parameters
        statusBar()->showMessage("edited data: switched the denoiser to ideal", 6000);
    }
    s.model.label = -1;
    requestScene(s);
    m_data->setUndoAvailable(m_editor.canUndo());
}

void MainWindow::sendMixture(const GmmParams& mixture) {
    Scene s = m_scene;
    s.data.mixture = mixture;
    s.data.points.reset();
    s.data.labels.clear();
    requestScene(s);
}

void MainWindow::editAt(double x, double y, bool press) {
    if (!m_snapshot) return;
    const MixturePanel* mixture = m_data->mixturePanel();
    if (press && mixture->editingComponents() && mixture->mixture()) {
        m_mixtureEditor.press(*mixture->mixture(), m_data->tool(), x, y);
        return;
    }
    if (m_mixtureEditor.active()) {
        m_mixtureEditor.drag(x, y);
        return;
    }
    if (press) {
        // Picking radius: kPickPixels on the plot that was pressed.
        m_editor.press(currentPoints(), m_data->tool(), x, y, kPickPixels / m_editScale);
    } else {
        m_editor.drag(x, y);
    }
}

void MainWindow::finishEdit() {
    if (m_mixtureEditor.active()) {
        if (std::optional<GmmParams> g = m_mixtureEditor.release()) sendMixture(*g);
        return;
    }
    if (std::optional<Matrix> pts = m_editor.release()) sendPoints(std::move(*pts), true);
}

void MainWindow::undoEdit() {
    if (m_editor.canUndo()) sendPoints(m_editor.undo(), false);
}

void MainWindow::onCanvasPressed(int pane, double x, double y) {
    const std::string kind = m_panes[std::size_t(pane)]->kind();
    if (kind == "chain" && m_data->tool() != EditTool::None) {
        const auto& frame = m_panes[std::size_t(pane)]->canvas()->plotFrame();
        m_editScale = frame ? frame->scale() : 100.0;
        try {
            editAt(x, y, true);
        } catch (const std::exception& e) { // the data file may have gone since it was loaded
            showError("Edit points", e.what());
        }
        return;
    }
    if (kind == "samples" && m_snapshot) {
        // A click on a particle's row of the sample grid selects it (for the Posterior view).
        const auto* grid = m_snapshot->panes[std::size_t(pane)].get<ImageGridView>();
        if (!grid || grid->columns < 1 || grid->tiles.empty()) return;
        const int rows = int(grid->tiles.size()) / grid->columns;
        const int row =
            std::clamp(int((1.0 - y) * rows), 0, rows - 1); // the frame is [0, 1]^2, y up
        postTo(m_worker, [row](SceneWorker* w) { w->selectParticle(row); });
        return;
    }
    if (kind == "sensitivity") {
        // A click sets the point the backpropagated objective ||x - m||^2 pulls towards.
        postTo(m_worker, [x, y](SceneWorker* w) { w->setTarget(x, y); });
        return;
    }
    if (kind != "trajectories" || !m_snapshot) return;
    // The pane may have switched views before its new snapshot arrived.
    const auto* view = m_snapshot->panes[std::size_t(pane)].get<TrajectoryView>();
    if (!view) return;
    const auto* canvas = m_panes[std::size_t(pane)]->canvas();
    const double scale = canvas->plotFrame() ? canvas->plotFrame()->scale() : 100.0;
    const long hit = nearest(view->current, x, y, kPickPixels / scale);
    if (hit >= 0) {
        postTo(m_worker, [hit](SceneWorker* w) { w->selectParticle(hit); });
    } else {
        postTo(m_worker, [x, y](SceneWorker* w) { w->dropParticle(x, y); });
    }
}

} // namespace dfs::gui
