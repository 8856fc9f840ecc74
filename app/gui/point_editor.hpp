// Point editing with the mouse, as gestures on a copy of the data: Add (one point per click),
// Brush (a spray of points while dragging), Move (the nearest point follows the mouse), Delete
// (the nearest point under the mouse); and the undo stack of the points before each gesture.
// No widgets: the main window feeds it data coordinates.
#pragma once

#include "app/gui/data_panel.hpp"
#include "core/types.hpp"

#include <optional>
#include <vector>

namespace dfs::gui {

class PointEditor {
public:
    /// Starts a gesture on `points` at (x, y); `radius` (data units) is how near a point must
    /// be to be picked. Tool None does nothing.
    void press(Matrix points, EditTool tool, double x, double y, double radius);
    /// Continues the gesture (Brush sprays, Move drags, Delete deletes what it passes over).
    void drag(double x, double y);
    bool active() const { return m_points.has_value(); }
    /// Ends the gesture and returns the edited points (nullopt without a gesture).
    std::optional<Matrix> release();

    /// Remembers the points before an edit (at most 50 are kept).
    void remember(Matrix before);
    bool canUndo() const { return !m_undo.empty(); }
    /// The points before the last edit, taken off the stack. Requires canUndo().
    Matrix undo();
    void clearHistory() { m_undo.clear(); }

private:
    void apply(double x, double y, bool first);
    Index nearest(double x, double y) const;
    std::optional<Matrix> m_points;
    EditTool m_tool = EditTool::None;
    double m_radius = 0.1;
    Index m_moving = -1;
    std::vector<Matrix> m_undo;
};

} // namespace dfs::gui
