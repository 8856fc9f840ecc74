// Editing a Gaussian mixture with the mouse in a chain pane, as gestures on a copy of it: Add (a
// component where you click), Brush (resize: the nearest component's spread follows the
// distance from its mean), Move (the nearest component's mean follows the mouse), Delete (the
// nearest component). Its exact denoiser follows every edit. No widgets: the main window feeds
// it data coordinates.
#pragma once

#include "app/gui/data_panel.hpp"
#include "core/datasets/point_set.hpp"

#include <optional>

namespace dfs::gui {

/// Spread (standard deviation) of a component: sqrt of its covariance's mean eigenvalue.
double componentSpread(const Matrix& cov);
/// The covariance scaled so that its spread is `spread` (its shape kept).
Matrix withSpread(const Matrix& cov, double spread);

class MixtureEditor {
public:
    /// Starts a gesture on `mixture` at (x, y). Tool None does nothing.
    void press(GmmParams mixture, EditTool tool, double x, double y);
    void drag(double x, double y);
    bool active() const { return m_mixture.has_value(); }
    /// Ends the gesture: the edited mixture (nullopt without a gesture, or when it would leave
    /// no component).
    std::optional<GmmParams> release();

private:
    int nearest(double x, double y) const;
    std::optional<GmmParams> m_mixture;
    EditTool m_tool = EditTool::None;
    int m_component = -1;
};

} // namespace dfs::gui
