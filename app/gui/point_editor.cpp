// Point-editing gestures and their undo stack.
#include "app/gui/point_editor.hpp"

#include "core/rng/noise.hpp"

#include <stdexcept>

namespace dfs::gui {

namespace {
constexpr std::size_t kMaxUndo = 50;
constexpr Index kBrushPoints = 8;     ///< points per brush stroke event
constexpr double kBrushSpread = 0.06; ///< their standard deviation, in data units
} // namespace

void PointEditor::press(Matrix points, EditTool tool, double x, double y, double radius) {
    if (tool == EditTool::None) return;
    m_points = std::move(points);
    m_tool = tool;
    m_radius = radius;
    m_moving = -1;
    apply(x, y, true);
}

void PointEditor::drag(double x, double y) {
    if (m_points) apply(x, y, false);
}

std::optional<Matrix> PointEditor::release() {
    std::optional<Matrix> out = std::move(m_points);
    m_points.reset();
    return out;
}

void PointEditor::remember(Matrix before) {
    m_undo.push_back(std::move(before));
    if (m_undo.size() > kMaxUndo) m_undo.erase(m_undo.begin());
}

Matrix PointEditor::undo() {
    if (m_undo.empty()) throw std::logic_error("PointEditor::undo with nothing to undo");
    Matrix previous = std::move(m_undo.back());
    m_undo.pop_back();
    return previous;
}

Index PointEditor::nearest(double x, double y) const {
    const Matrix& pts = *m_points;
    Index best = -1;
    double bestD = m_radius * m_radius;
    for (Index r = 0; r < pts.rows(); ++r) {
        const double d = (pts(r, 0) - x) * (pts(r, 0) - x) + (pts(r, 1) - y) * (pts(r, 1) - y);
        if (d <= bestD) bestD = d, best = r;
    }
    return best;
}

void PointEditor::apply(double x, double y, bool first) {
    Matrix& pts = *m_points;
    auto append = [&](double px, double py) {
        pts.conservativeResize(pts.rows() + 1, 2);
        pts.row(pts.rows() - 1) << px, py;
    };
    switch (m_tool) {
    case EditTool::Add:
        if (first) append(x, y);
        break;
    case EditTool::Brush: {
        // Philox-seeded by the point count, so a stroke is reproducible.
        const Matrix jitter =
            gaussianNoise(0xB7u, std::uint32_t(pts.rows()), kBrushPoints, 2, 0, 0);
        for (Index k = 0; k < kBrushPoints; ++k)
            append(x + kBrushSpread * jitter(k, 0), y + kBrushSpread * jitter(k, 1));
        break;
    }
    case EditTool::Move:
        if (first) m_moving = nearest(x, y);
        if (m_moving >= 0) pts.row(m_moving) << x, y;
        break;
    case EditTool::Delete: {
        const Index r = nearest(x, y);
        if (r >= 0 && pts.rows() > 1) {
            pts.row(r) = pts.row(pts.rows() - 1);
            pts.conservativeResize(pts.rows() - 1, 2);
        }
        break;
    }
    case EditTool::None:
        break;
    }
}

} // namespace dfs::gui
