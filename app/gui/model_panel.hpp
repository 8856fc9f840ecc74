// The Model panel: the denoiser (exact, ideal, or a learned model file), untied networks (another
// denoiser below a sigma~ split: core/denoisers/split_denoiser.hpp), class and guidance;
// live training (start, pause, reset; lr, width, target) with its curves; save and load models.
// On image data the training is the U-Net's (core/training/presets.hpp), and the panel's
// presets and labels say so.
#pragma once

#include "core/scene/scene.hpp"

#include <QElapsedTimer>
#include <QWidget>

class QComboBox;
class QSpinBox;
class QDoubleSpinBox;
class QPushButton;
class QLabel;
class QGroupBox;
class QProgressBar;
class QCheckBox;

namespace dfs::gui {

class LossPlot;

class ModelPanel : public QWidget {
    Q_OBJECT
public:
    explicit ModelPanel(QWidget* parent = nullptr);
    void showScene(const Scene& scene);
    void applyTo(Scene& scene) const;
    /// Training progress from the train worker.
    void showTraining(double step, double total, const QVector<double>& loss,
                      const QVector<double>& perT, bool finished);
    double learningRate() const;
    int width() const;
    QString target() const;
    long steps() const;
    /// Whether each new model from training replaces the scene's denoiser.
    bool followTraining() const;
    void setTraining(bool running);
    /// Live training's snapshots live in this folder: the Denoiser list keeps only the newest.
    void setLiveFolder(const QString& folder) { m_liveFolder = folder; }

signals:
    void edited();
    void loadRequested();
    void saveRequested();
    void trainStart();
    void trainPause();
    void trainReset();

private:
    /// Switches the training box between the MLP (2-D data) and the U-Net (images).
    void setImageData(bool images);
    void applyPreset(int index);

    QComboBox* m_denoiser;
    QComboBox* m_below;      ///< "tied" (data "") or the denoiser under the split
    QDoubleSpinBox* m_split; ///< sigma~ of the split
    QSpinBox* m_label;
    QDoubleSpinBox* m_guidance;
    QComboBox* m_preset;
    QDoubleSpinBox* m_lr;
    QComboBox* m_width;
    QComboBox* m_target;
    QSpinBox* m_steps;
    QPushButton *m_start, *m_pause;
    QCheckBox* m_follow;
    QProgressBar* m_progress;
    LossPlot* m_plot;
    QString m_liveFolder;
    QElapsedTimer m_clock;   ///< since training (re)started, for the time left
    double m_clockStep = -1; ///< the step at which m_clock started (-1: not yet)
    QGroupBox* m_trainBox = nullptr;
    bool m_loading = false;
    bool m_images = false;
};

} // namespace dfs::gui
