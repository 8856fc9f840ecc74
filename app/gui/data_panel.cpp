// Data panel widgets; thumbnails are drawn from 400 points of each built-in dataset.
#include "app/gui/data_panel.hpp"

#include "app/gui/mixture_panel.hpp"
#include "core/datasets/dataset_registry.hpp"
#include "core/datasets/image_datasets.hpp"

#include <QButtonGroup>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace dfs::gui {

namespace {

QIcon thumbnail(const std::string& name) {
    QPixmap pix(40, 40);
    pix.fill(Qt::white);
    QPainter p(&pix);
    const PointSet d = makeDataset(name, {400, -1.0, 0});
    const double m = std::max(1e-9, d.points.cwiseAbs().maxCoeff());
    p.setPen(QPen(QColor(40, 60, 140), 1.5));
    for (Index r = 0; r < d.size(); ++r)
        p.drawPoint(QPointF(20 + 18 * d.points(r, 0) / m, 20 - 18 * d.points(r, 1) / m));
    return QIcon(pix);
}

} // namespace

DataPanel::DataPanel(QWidget* parent)
    : QWidget(parent), m_dataset(new QComboBox(this)), m_n(new QSpinBox(this)),
      m_noise(new QDoubleSpinBox(this)), m_seed(new QSpinBox(this)),
      m_resolution(new QComboBox(this)), m_tools(new QButtonGroup(this)),
      m_undo(new QPushButton("Undo edit", this)), m_edited(new QLabel(this)),
      m_mixture(new MixturePanel(this)) {
    m_dataset->setObjectName("dataset");
    m_dataset->setIconSize(QSize(40, 40));
    for (const DatasetInfo& d : builtinDatasets())
        m_dataset->addItem(thumbnail(d.name), QString::fromStdString(d.name));
    for (const ImageDatasetInfo& d : imageDatasets()) {
        m_dataset->addItem(QString::fromStdString(d.name));
        m_dataset->setItemData(m_dataset->count() - 1, QString::fromStdString(d.description),
                               Qt::ToolTipRole);
    }
    m_resolution->setObjectName("resolution");
    for (int r : kImageResolutions) m_resolution->addItem(QString("%1 x %1").arg(r), r);
    m_resolution->setCurrentIndex(1);
    m_resolution->setToolTip("Image side (image datasets)");
    m_n->setObjectName("dataN");
    m_n->setRange(1, 200000);
    m_n->setSingleStep(500);
    m_noise->setObjectName("dataNoise");
    m_noise->setRange(-1, 10);
    m_noise->setDecimals(3);
    m_noise->setSingleStep(0.01);
    m_noise->setSpecialValueText("default");
    m_seed->setRange(0, 1'000'000'000);
    auto* form = new QFormLayout;
    form->addRow("Dataset", m_dataset);
    form->addRow("Points", m_n);
    form->addRow("Noise", m_noise);
    form->addRow("Seed", m_seed);
    form->addRow("Image size", m_resolution);
    auto* import = new QPushButton("Import points…", this);
    import->setObjectName("importCsv");

    auto* tools = new QHBoxLayout;
    const char* names[] = {"Off", "Add", "Brush", "Move", "Delete"};
    for (int k = 0; k < 5; ++k) {
        auto* b = new QToolButton(this);
        b->setText(names[k]);
        b->setCheckable(true);
        b->setObjectName(QString("tool%1").arg(names[k]));
        b->setToolTip(k == 0 ? "No editing"
                             : QString("%1 points in a chain pane (shown at t = 0)").arg(names[k]));
        m_tools->addButton(b, k);
        tools->addWidget(b);
    }
    m_tools->button(0)->setChecked(true);
    m_undo->setObjectName("undoEdit");
    m_undo->setShortcut(QKeySequence::Undo);
    m_undo->setEnabled(false);
    auto* reset = new QPushButton("Back to dataset", this);
    auto* editRow = new QHBoxLayout;
    editRow->addWidget(m_undo);
    editRow->addWidget(reset);
    m_edited->setWordWrap(true);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(import);
    layout->addWidget(new QLabel("Edit points:", this));
    layout->addLayout(tools);
    layout->addLayout(editRow);
    layout->addWidget(m_edited);
    layout->addWidget(m_mixture);
    layout->addStretch(1);

    auto changed = [this] {
        if (!m_loading) emit edited();
    };
    connect(m_dataset, &QComboBox::currentIndexChanged, this, changed);
    connect(m_dataset, &QComboBox::currentIndexChanged, this, [this] { updateEnabled(); });
    connect(m_n, &QSpinBox::editingFinished, this, changed);
    connect(m_noise, &QDoubleSpinBox::editingFinished, this, changed);
    connect(m_seed, &QSpinBox::editingFinished, this, changed);
    connect(m_resolution, &QComboBox::currentIndexChanged, this, changed);
    connect(import, &QPushButton::clicked, this, &DataPanel::importRequested);
    connect(m_tools, &QButtonGroup::idClicked, this,
            [this](int id) { emit toolChanged(EditTool(id)); });
    connect(m_undo, &QPushButton::clicked, this, &DataPanel::undoRequested);
    connect(reset, &QPushButton::clicked, this, &DataPanel::resetPointsRequested);
}

void DataPanel::showScene(const Scene& s) {
    m_loading = true;
    const QString name = QString::fromStdString(s.data.dataset);
    if (m_dataset->findText(name) < 0) m_dataset->addItem(name); // a CSV path
    m_dataset->setCurrentText(name);
    m_n->setValue(int(std::min<long>(s.data.n, m_n->maximum())));
    m_noise->setValue(s.data.noise < 0 ? -1 : s.data.noise);
    m_seed->setValue(int(std::min<std::uint64_t>(s.data.seed, 1'000'000'000)));
    m_resolution->setCurrentIndex(
        std::max(0, m_resolution->findData(s.data.resolution == 0 ? 28 : s.data.resolution)));
    m_edited->setText(
        s.data.points
            ? QString("%1 edited points (saved with the scene)").arg(s.data.points->rows())
            : QString());
    m_loading = false;
    updateEnabled();
}

void DataPanel::applyTo(Scene& s) const {
    const SceneData before = s.data;
    s.data.dataset = m_dataset->currentText().toStdString();
    s.data.n = m_n->value();
    s.data.noise = m_noise->value() < 0 ? -1 : m_noise->value();
    s.data.seed = std::uint64_t(m_seed->value());
    s.data.resolution = isImageDataset(s.data.dataset) ? m_resolution->currentData().toInt() : 0;
    if (s.data.dataset != before.dataset || s.data.n != before.n || s.data.noise != before.noise ||
        s.data.seed != before.seed || s.data.resolution != before.resolution) {
        s.data.points.reset();
        s.data.labels.clear();
    }
    if (s.data.dataset != before.dataset) s.data.mixture.reset(); // another dataset's own mixture
}

void DataPanel::updateEnabled() {
    // Controls that do not apply are off: the image size on 2-D data, point editing on images.
    const bool images = isImageDataset(m_dataset->currentText().toStdString());
    m_resolution->setEnabled(images);
    for (QAbstractButton* b : m_tools->buttons()) b->setEnabled(!images || m_tools->id(b) == 0);
    if (images) m_tools->button(0)->setChecked(true);
}

EditTool DataPanel::tool() const {
    return EditTool(std::max(0, m_tools->checkedId()));
}
void DataPanel::setUndoAvailable(bool available) {
    m_undo->setEnabled(available);
}

} // namespace dfs::gui
