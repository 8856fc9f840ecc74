// The Sampler panel: sampler, steps, grid, the sampler's own settings, seed and particles;
// "Run" restarts from the prior, "Branch here" continues from the shown frame.
#pragma once

#include "core/scene/scene.hpp"

#include <QWidget>

class QComboBox;
class QSpinBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;

namespace dfs::gui {

class SamplerPanel : public QWidget {
    Q_OBJECT
public:
    explicit SamplerPanel(QWidget* parent = nullptr);
    void showScene(const Scene& scene);
    void applyTo(Scene& scene) const;
    /// Whether the controls differ from the run shown (they apply on Run or Branch).
    bool stale() const;

signals:
    void runRequested();
    void branchRequested();

private:
    void updateEnabled();
    void updateStale();
    SceneSampler m_shown; ///< the settings of the run the panes show
    QComboBox* m_sampler;
    QSpinBox* m_steps;
    QComboBox* m_spacing;
    QDoubleSpinBox *m_eta, *m_churn, *m_snr;
    QSpinBox* m_seed;
    QSpinBox* m_particles;
    QLabel* m_stale;
    QPushButton* m_run;
};

} // namespace dfs::gui
