// Model panel.
#include "app/gui/model_panel.hpp"

#include "app/gui/loss_plot.hpp"
#include "core/datasets/image_datasets.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>

namespace dfs::gui {

ModelPanel::ModelPanel(QWidget* parent)
    : QWidget(parent), m_denoiser(new QComboBox(this)), m_below(new QComboBox(this)),
      m_split(new QDoubleSpinBox(this)), m_label(new QSpinBox(this)),
      m_guidance(new QDoubleSpinBox(this)), m_preset(new QComboBox(this)),
      m_lr(new QDoubleSpinBox(this)), m_width(new QComboBox(this)), m_target(new QComboBox(this)),
      m_steps(new QSpinBox(this)), m_start(new QPushButton("Train", this)),
      m_pause(new QPushButton("Pause", this)),
      m_follow(new QCheckBox("Views follow the training", this)),
      m_progress(new QProgressBar(this)), m_plot(new LossPlot(this)) {
    m_denoiser->setObjectName("denoiser");
    m_denoiser->addItem("exact");
    m_denoiser->setItemData(0, "Closed-form posterior of the Gaussian mixture (gmm8, gmm25)",
                            Qt::ToolTipRole);
    m_denoiser->addItem("ideal");
    m_denoiser->setItemData(1, "Exact denoiser of the finite training set: it memorises",
                            Qt::ToolTipRole);
    // Untied networks (diffusion-math.md 1.6): another denoiser below sigma~ = split.
    m_below->setObjectName("denoiserBelow");
    m_below->addItem("tied (one network)", QString());
    m_below->addItem("exact", "exact");
    m_below->addItem("ideal", "ideal");
    m_below->setToolTip("Untied networks: the denoiser the sampler calls below the split level "
                        "(the one above serves the rest); tied: the same network at every step");
    m_split->setObjectName("sigmaSplit");
    m_split->setRange(0, 1000);
    m_split->setDecimals(3);
    m_split->setSingleStep(0.1);
    m_split->setValue(1.0);
    m_split->setPrefix("sigma~ ");
    m_split->setToolTip("The split level sigma~ = sigma/alpha: the denoiser above serves levels "
                        "at or above it, the one below the rest");
    m_label->setRange(-1, 255);
    m_label->setSpecialValueText("none");
    m_guidance->setRange(0, 20);
    m_guidance->setSingleStep(0.5);
    auto* form = new QFormLayout;
    form->addRow("Denoiser", m_denoiser);
    form->addRow("Below split", m_below);
    form->addRow("Split at", m_split);
    form->addRow("Class", m_label);
    form->addRow("Guidance", m_guidance);
    auto* files = new QHBoxLayout;
    auto* load = new QPushButton("Load model…", this);
    auto* save = new QPushButton("Save model…", this);
    load->setObjectName("loadModel");
    save->setObjectName("saveModel");
    files->addWidget(load);
    files->addWidget(save);

    auto* train = new QGroupBox("Train an MLP live", this);
    m_trainBox = train;
    m_lr->setDecimals(5);
    m_lr->setRange(1e-5, 1e-1);
    m_lr->setSingleStep(1e-4);
    m_lr->setValue(1e-3);
    m_width->addItems({"64", "128", "256"});
    m_width->setObjectName("trainWidth");
    m_width->setCurrentText("128");
    m_target->addItems({"edm", "eps", "x0", "v", "score", "velocity"});
    m_steps->setRange(100, 200000);
    m_steps->setSingleStep(1000);
    m_steps->setValue(8000);
    m_steps->setObjectName("trainSteps");
    m_follow->setChecked(true);
    m_start->setObjectName("trainStart");
    m_pause->setEnabled(false);
    auto* reset = new QPushButton("Reset", this);
    // Presets fill in width, learning rate and steps; the rest is the dataset's training preset
    // (core/training/presets.hpp: EDM target, cosine schedule, EMA; batch 512 for the MLP, 32
    // for the U-Net on images).
    m_preset->setObjectName("trainPreset");
    m_preset->addItem("fast: 64 wide, 2,000 steps");
    m_preset->addItem("standard: 128 wide, 8,000 steps");
    m_preset->addItem("thorough: 256 wide, 20,000 steps");
    m_preset->setCurrentIndex(1);
    connect(m_preset, &QComboBox::currentIndexChanged, this, &ModelPanel::applyPreset);
    auto* tform = new QFormLayout;
    tform->addRow("Preset", m_preset);
    tform->addRow("Learning rate", m_lr);
    tform->addRow("Width", m_width);
    tform->addRow("Target", m_target);
    tform->addRow("Steps", m_steps);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_pause);
    buttons->addWidget(reset);
    auto* tl = new QVBoxLayout(train);
    tl->addLayout(tform);
    tl->addLayout(buttons);
    tl->addWidget(m_follow);
    tl->addWidget(m_progress);
    tl->addWidget(m_plot);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(files);
    layout->addWidget(train);
    layout->addStretch(1);

    auto changed = [this] {
        if (!m_loading) emit edited();
    };
    connect(m_denoiser, &QComboBox::currentIndexChanged, this, changed);
    connect(m_below, &QComboBox::currentIndexChanged, this, [this, changed] {
        m_split->setEnabled(m_below->currentIndex() > 0);
        changed();
    });
    connect(m_split, &QDoubleSpinBox::editingFinished, this, changed);
    connect(m_label, &QSpinBox::editingFinished, this, changed);
    connect(m_guidance, &QDoubleSpinBox::editingFinished, this, changed);
    connect(load, &QPushButton::clicked, this, &ModelPanel::loadRequested);
    connect(save, &QPushButton::clicked, this, &ModelPanel::saveRequested);
    connect(m_start, &QPushButton::clicked, this, &ModelPanel::trainStart);
    connect(m_pause, &QPushButton::clicked, this, &ModelPanel::trainPause);
    connect(reset, &QPushButton::clicked, this, &ModelPanel::trainReset);
}

void ModelPanel::applyPreset(int k) {
    if (k < 0 || k > 2) return;
    // 2-D data: the MLP's width, rate and steps; images: the U-Net preset at more or fewer steps
    static constexpr struct {
        const char* width;
        double lr;
        int steps;
    } mlp[] = {{"64", 2e-3, 2000}, {"128", 1e-3, 8000}, {"256", 5e-4, 20000}};
    static constexpr int unetSteps[] = {2000, 4000, 10000};
    if (m_images) {
        m_lr->setValue(1e-3);
        m_steps->setValue(unetSteps[k]);
        return;
    }
    m_width->setCurrentText(mlp[k].width);
    m_lr->setValue(mlp[k].lr);
    m_steps->setValue(mlp[k].steps);
}

void ModelPanel::setImageData(bool images) {
    if (images == m_images) return;
    m_images = images;
    m_trainBox->setTitle(images ? "Train a U-Net live" : "Train an MLP live");
    m_width->setEnabled(!images);
    m_width->setToolTip(images ? "The U-Net has 32 base channels (diffuscope-cli train "
                                 "--channels for others)"
                               : QString());
    const char* const names[2][3] = {
        {"fast: 64 wide, 2,000 steps", "standard: 128 wide, 8,000 steps",
         "thorough: 256 wide, 20,000 steps"},
        {"fast: 2,000 steps", "standard: 4,000 steps", "thorough: 10,000 steps"}};
    for (int k = 0; k < 3; ++k) m_preset->setItemText(k, names[images][k]);
    applyPreset(m_preset->currentIndex());
}

void ModelPanel::showScene(const Scene& s) {
    setImageData(!s.data.points && isImageDataset(s.data.dataset));
    m_loading = true;
    const QString name = QString::fromStdString(s.model.denoiser);
    if (m_denoiser->findText(name) < 0) {
        // A new live-training snapshot replaces the previous ones in the list.
        if (!m_liveFolder.isEmpty() && name.startsWith(m_liveFolder))
            for (int i = m_denoiser->count() - 1; i >= 0; --i)
                if (m_denoiser->itemText(i).startsWith(m_liveFolder)) m_denoiser->removeItem(i);
        m_denoiser->addItem(name);
    }
    m_denoiser->setCurrentText(name);
    const QString below = QString::fromStdString(s.model.denoiserBelow);
    if (m_below->findData(below) < 0) m_below->addItem(below, below); // a model file
    m_below->setCurrentIndex(m_below->findData(below));
    m_split->setValue(std::isfinite(s.model.sigmaSplit) ? s.model.sigmaSplit : m_split->maximum());
    m_split->setEnabled(!below.isEmpty());
    m_label->setValue(s.model.label);
    m_guidance->setValue(s.model.guidance);
    m_loading = false;
}

void ModelPanel::applyTo(Scene& s) const {
    s.model.denoiser = m_denoiser->currentText().toStdString();
    s.model.denoiserBelow = m_below->currentData().toString().toStdString();
    // A split beyond the box's range (+inf from a scene file) is kept as it was.
    if (!(std::isinf(s.model.sigmaSplit) && m_split->value() == m_split->maximum()))
        s.model.sigmaSplit = m_split->value();
    s.model.label = m_label->value();
    s.model.guidance = m_guidance->value();
}

void ModelPanel::showTraining(double step, double total, const QVector<double>& loss,
                              const QVector<double>& perT, bool finished) {
    m_progress->setRange(0, int(std::max(1.0, total)));
    m_progress->setValue(int(step));
    // The time left, measured from this run's own speed (no fixed estimate: it depends on the
    // model, the image size and the machine).
    QString left;
    if (m_clockStep < 0 || step < m_clockStep) {
        m_clock.start();
        m_clockStep = step;
    } else if (step > m_clockStep && m_clock.elapsed() > 2000 && !finished) {
        const double perStep = double(m_clock.elapsed()) / 1000.0 / (step - m_clockStep);
        left = QString(", about %1 s left").arg(int(std::ceil(perStep * (total - step))));
    }
    m_progress->setFormat(QString("step %1 / %2%3").arg(step).arg(total).arg(left));
    m_plot->setData(loss, perT, 100);
    if (finished) setTraining(false);
}

double ModelPanel::learningRate() const {
    return m_lr->value();
}
int ModelPanel::width() const {
    return m_width->currentText().toInt();
}
QString ModelPanel::target() const {
    return m_target->currentText();
}
long ModelPanel::steps() const {
    return m_steps->value();
}
bool ModelPanel::followTraining() const {
    return m_follow->isChecked();
}

void ModelPanel::setTraining(bool running) {
    m_clockStep = -1; // a (re)start measures its own speed
    m_start->setText(running ? "Training…" : "Train");
    m_start->setEnabled(!running);
    m_pause->setEnabled(running);
}

} // namespace dfs::gui
