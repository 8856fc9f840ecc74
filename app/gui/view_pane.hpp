// One pane of the central grid: a view chooser above a canvas that paints the pane's snapshot
// with the shared renderers and reports mouse actions in data coordinates.
#pragma once

#include "app/gui/worker_snapshot.hpp"
#include "app/render/plot_frame.hpp"

#include <QWidget>
#include <optional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;
class QToolButton;

namespace dfs::gui {

class ViewCanvas : public QWidget {
    Q_OBJECT
public:
    explicit ViewCanvas(QWidget* parent = nullptr);
    void setSnapshot(SnapshotPtr snapshot, int pane);
    /// The frame of the last painted plot (for tests and mouse mapping).
    const std::optional<render::PlotFrame>& plotFrame() const { return m_frame; }
    QSize sizeHint() const override { return {420, 380}; }

signals:
    /// A press or drag at data coordinates (x, y).
    void pressed(double x, double y, Qt::MouseButton button, Qt::KeyboardModifiers mods);
    void dragged(double x, double y);
    /// The button went up, inside the plot or not.
    void released();

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;

private:
    std::optional<QPointF> toData(const QPointF& pixel) const;
    SnapshotPtr m_snapshot;
    int m_pane = 0;
    std::optional<render::PlotFrame> m_frame;
};

class ViewPane : public QWidget {
    Q_OBJECT
public:
    ViewPane(int index, QWidget* parent = nullptr);
    int index() const { return m_index; }
    /// The registered view this pane shows (view_registry.hpp).
    std::string kind() const;
    void setKind(const std::string& view);
    /// Shows the scene's field settings (quantity, arrows or streamlines) and trajectory
    /// settings (paths drawn, their opacity) without signals.
    void showFieldOptions(const SceneView& view);
    void setSnapshot(SnapshotPtr snapshot);
    /// Enables the views that fit the data (each view's appliesTo: images, 2-D points or both).
    void setImageData(bool image);
    ViewCanvas* canvas() const { return m_canvas; }

signals:
    void kindChosen(int pane, const std::string& view);
    /// The field quantity or style was changed in this pane's options.
    void fieldOptionsChosen(const QString& quantity, bool streamlines);
    /// The trajectories' path count, opacity or particle colouring ("time" or
    /// "log-likelihood") was changed in this pane's options.
    void pathOptionsChosen(int paths, double opacity, const QString& colour);

private:
    int m_index;
    QComboBox* m_choice;
    QComboBox* m_quantity;
    QCheckBox* m_streamlines;
    QSpinBox* m_paths;         ///< trajectories: particles drawn as paths
    QDoubleSpinBox* m_opacity; ///< trajectories: the paths' opacity
    QComboBox* m_colour;       ///< trajectories: particles coloured by time or log-likelihood
    QToolButton* m_options;    ///< the view's options (the widgets above) in a drop-down
    QWidget* m_fieldOptions;   ///< quantity and streamlines, shown for field panes
    QWidget* m_pathOptions;    ///< paths, opacity and colouring, shown for trajectories panes
    QLabel* m_caption;         ///< the view's one-line caption
    ViewCanvas* m_canvas;
};

} // namespace dfs::gui
