// Export dialog widgets.
#include "app/gui/export_dialog.hpp"

#include "core/errors.hpp"
#include "core/scene/view_registry.hpp"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace dfs::gui {

ExportDialog::ExportDialog(const std::array<std::string, 4>& panes, int frames, QWidget* parent)
    : QDialog(parent), m_kinds(panes), m_path(new QLineEdit("diffuscope.gif", this)),
      m_width(new QSpinBox(this)), m_height(new QSpinBox(this)), m_frames(new QSpinBox(this)),
      m_fps(new QDoubleSpinBox(this)), m_from(new QDoubleSpinBox(this)),
      m_to(new QDoubleSpinBox(this)), m_runFrames(frames) {
    setWindowTitle("Export");
    auto* paneRow = new QHBoxLayout;
    for (int i = 0; i < 4; ++i) {
        m_panes[std::size_t(i)] = new QCheckBox(
            QString("%1: %2").arg(i + 1).arg(QString::fromStdString(panes[std::size_t(i)])), this);
        m_panes[std::size_t(i)]->setChecked(panes[std::size_t(i)] == "trajectories" ||
                                            panes[std::size_t(i)] == "samples");
        paneRow->addWidget(m_panes[std::size_t(i)]);
    }
    m_path->setObjectName("exportPath");
    m_frames->setObjectName("exportFrames");
    for (int i = 0; i < 4; ++i)
        m_panes[std::size_t(i)]->setObjectName(QString("exportPane%1").arg(i));
    auto* browse = new QPushButton("Browse…", this);
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);
    m_width->setRange(16, 4096);
    m_width->setValue(560);
    m_height->setRange(16, 4096);
    m_height->setValue(560);
    m_frames->setRange(0, 100000);
    m_frames->setSpecialValueText("every frame (60 for a t sweep)");
    m_fps->setRange(0.5, 120);
    m_fps->setValue(20);
    for (QDoubleSpinBox* b : {m_from, m_to}) b->setDecimals(3);
    m_from->setRange(0, std::max(1, frames - 1));
    m_to->setRange(0, std::max(1, frames - 1));
    m_from->setValue(0);
    m_to->setValue(frames - 1);
    auto* rangeRow = new QHBoxLayout;
    rangeRow->addWidget(m_from);
    rangeRow->addWidget(new QLabel("to", this));
    rangeRow->addWidget(m_to);
    auto* form = new QFormLayout;
    form->addRow("Panes", paneRow);
    form->addRow("File", pathRow);
    form->addRow("Pane width", m_width);
    form->addRow("Height", m_height);
    form->addRow("Frames", m_frames);
    form->addRow("Frame rate", m_fps);
    form->addRow("Range", rangeRow);
    auto* note = new QLabel(
        "The extension picks the format: .gif, .mp4, .png or .svg (a still of the shown frame), or "
        "a "
        "folder ending in / for PNG frames. With a trajectories or density pane the animation "
        "follows the sampler's frames (range in frames); chain and field alone sweep the time "
        "cursor (range in t, 1 to 0 runs from noise to data).",
        this);
    note->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
    connect(browse, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(buttons, &QDialogButtonBox::accepted, this, &ExportDialog::check);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto followRange = [this] {
        // The range is in frames when a chosen pane follows the run, else in t.
        bool run = false;
        for (int i = 0; i < 4; ++i)
            run = run || (m_panes[std::size_t(i)]->isChecked() &&
                          findView(m_kinds[std::size_t(i)]).followsRun());
        m_from->setDecimals(run ? 0 : 3);
        m_to->setDecimals(run ? 0 : 3);
        m_from->setRange(0, run ? std::max(1, m_runFrames - 1) : 1.0);
        m_to->setRange(0, run ? std::max(1, m_runFrames - 1) : 1.0);
        m_from->setValue(0);
        m_to->setValue(run ? m_runFrames - 1 : 1.0);
    };
    for (QCheckBox* c : m_panes) connect(c, &QCheckBox::toggled, this, followRange);
    followRange();
}

void ExportDialog::browse() {
    const QString path = QFileDialog::getSaveFileName(
        this, "Export the panes", m_path->text(),
        "GIF animation (*.gif);;MP4 video (*.mp4);;PNG still (*.png);;SVG still (*.svg)");
    if (!path.isEmpty()) m_path->setText(path);
}

void ExportDialog::check() {
    try {
        const render::ExportRequest r = request();
        if (r.views.empty()) throw UsageError("choose at least one pane");
        render::exportFormatOf(r.out);
        accept();
    } catch (const std::exception& e) {
        QMessageBox::warning(this, "Export", e.what());
    }
}

render::ExportRequest ExportDialog::request() const {
    render::ExportRequest r;
    r.out = m_path->text().toStdString();
    r.views.clear();
    for (int i = 0; i < 4; ++i)
        if (m_panes[std::size_t(i)]->isChecked()) r.views.push_back(m_kinds[std::size_t(i)]);
    r.size = QSize(m_width->value() * std::max<int>(1, int(r.views.size())), m_height->value());
    if (m_frames->value() > 0) r.frames = m_frames->value();
    r.fps = m_fps->value();
    r.range = {{m_from->value(), m_to->value()}};
    // errors name this dialog's fields, not the command line's flags
    r.names = {
        "Size (pane width x panes, height)", "Frames", "Range", "Frame rate", "Panes", "Time"};
    return r;
}

} // namespace dfs::gui
