// The Noise process panel: the schedule and its curves with the sampler grid and time cursor.
#pragma once

#include "core/scene/scene.hpp"

#include <QWidget>

class QComboBox;
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
    QComboBox* m_schedule;
    QLabel* m_about;
    SchedulePlot* m_plot;
    bool m_loading = false;
};

} // namespace dfs::gui
