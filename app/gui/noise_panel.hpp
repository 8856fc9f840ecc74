// The Noise process panel: the schedule, its parameters (each paper's defaults), and its curves
// with the sampler grid and time cursor.
#pragma once

#include "core/scene/scene.hpp"

#include <QWidget>
#include <string>
#include <utility>
#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QLabel;

namespace dfs::gui {

class SchedulePlot;

class NoisePanel : public QWidget {
    Q_OBJECT
public:
    explicit NoisePanel(QWidget* parent = nullptr);
    void showScene(const Scene& scene);
    void applyTo(Scene& scene) const;
    void showGrid(std::vector<double> grid, double cursor);
    SchedulePlot* plot() const { return m_plot; }

signals:
    void edited();

private:
    /// One spin box per parameter of the chosen schedule, set from `spec` (a schedule spec).
    void buildParameters(const std::string& spec);
    QComboBox* m_schedule;
    QWidget* m_params;
    std::vector<std::pair<std::string, QDoubleSpinBox*>> m_values;
    QLabel* m_about;
    SchedulePlot* m_plot;
    bool m_loading = false;
};

} // namespace dfs::gui
