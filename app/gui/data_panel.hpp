// The Data panel: a built-in dataset (with thumbnails), its size, noise and seed; a CSV import;
// and the point-editing tools (add, brush, move, delete, undo) used in a chain pane.
#pragma once

#include "core/scene/scene.hpp"

#include <QWidget>

class QComboBox;
class QSpinBox;
class QDoubleSpinBox;
class QButtonGroup;
class QPushButton;
class QLabel;

namespace dfs::gui {

class MixturePanel;

enum class EditTool { None, Add, Brush, Move, Delete };

class DataPanel : public QWidget {
    Q_OBJECT
public:
    explicit DataPanel(QWidget* parent = nullptr);
    /// Shows a scene's data settings without emitting edited().
    void showScene(const Scene& scene);
    /// Writes the panel's settings into the scene (edited points are dropped when the dataset
    /// settings change).
    void applyTo(Scene& scene) const;
    EditTool tool() const;
    void setUndoAvailable(bool available);
    /// The mixture table (shown when the data are a Gaussian mixture).
    MixturePanel* mixturePanel() const { return m_mixture; }

signals:
    void edited();
    void importRequested();
    void toolChanged(dfs::gui::EditTool tool);
    void undoRequested();
    void resetPointsRequested();

private:
    QComboBox* m_dataset;
    QSpinBox* m_n;
    QDoubleSpinBox* m_noise;
    QSpinBox* m_seed;
    QComboBox* m_resolution;
    QButtonGroup* m_tools;
    QPushButton* m_undo;
    QLabel* m_edited;
    MixturePanel* m_mixture;
    bool m_loading = false;
};

} // namespace dfs::gui
