// Painting a pane and mapping the mouse.
#include "app/gui/view_pane.hpp"

#include "app/gui/glossary.hpp"
#include "app/render/composite.hpp"
#include "app/render/view_renderers.hpp"
#include "core/scene/view_registry.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWidgetAction>

namespace dfs::gui {

ViewCanvas::ViewCanvas(QWidget* parent) : QWidget(parent) {
    setMinimumSize(200, 180);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMouseTracking(false);
}

void ViewCanvas::setSnapshot(SnapshotPtr snapshot, int pane) {
    m_snapshot = std::move(snapshot);
    m_pane = pane;
    update();
}

void ViewCanvas::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::TextAntialiasing, true);
    const QRectF area = rect();
    if (!m_snapshot) {
        p.fillRect(area, Qt::white);
        p.setPen(QColor(120, 120, 120));
        p.drawText(area, Qt::AlignCenter, "computing…");
        return;
    }
    render::ViewStyle style;
    style.fontPx = render::fontForHeight(std::min(area.height(), area.width() * 1.1));
    m_frame = render::renderView(p, area, m_snapshot->panes[std::size_t(m_pane)], style);
}

std::optional<QPointF> ViewCanvas::toData(const QPointF& pixel) const {
    if (!m_frame || !m_frame->plotRect().contains(pixel)) return std::nullopt;
    return m_frame->unmap(pixel);
}

void ViewCanvas::mousePressEvent(QMouseEvent* e) {
    if (const auto d = toData(e->position()))
        emit pressed(d->x(), d->y(), e->button(), e->modifiers());
}

void ViewCanvas::mouseMoveEvent(QMouseEvent* e) {
    if (!(e->buttons() & Qt::LeftButton)) return;
    if (const auto d = toData(e->position())) emit dragged(d->x(), d->y());
}

void ViewCanvas::mouseReleaseEvent(QMouseEvent*) {
    emit released(); // wherever it happens, so that a gesture ending off the plot completes
}

ViewPane::ViewPane(int index, QWidget* parent)
    : QWidget(parent), m_index(index), m_choice(new QComboBox(this)),
      m_quantity(new QComboBox(this)), m_streamlines(new QCheckBox("streamlines", this)),
      m_paths(new QSpinBox(this)), m_opacity(new QDoubleSpinBox(this)),
      m_colour(new QComboBox(this)), m_options(new QToolButton(this)),
      m_fieldOptions(new QWidget(this)), m_pathOptions(new QWidget(this)),
      m_caption(new QLabel(this)), m_canvas(new ViewCanvas(this)) {
    auto* header = new QHBoxLayout;
    header->setContentsMargins(4, 2, 4, 0);
    header->addWidget(new QLabel(QString("Pane %1:").arg(index + 1), this));
    for (const ViewInfo& v : viewRegistry()) {
        m_choice->addItem(QString::fromStdString(v.name));
        m_choice->setItemData(m_choice->count() - 1, QString::fromStdString(v.caption),
                              Qt::ToolTipRole);
    }
    m_choice->setObjectName(QString("paneView%1").arg(index));
    // Headers shrink with the window (1280 x 800 included), so the four panes stay equal.
    for (QComboBox* c : {m_choice, m_quantity}) {
        c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        c->setMinimumContentsLength(5);
    }
    m_choice->setMinimumContentsLength(12); // "trajectories" whole beside the options button
    m_choice->setToolTip("What this pane shows");
    header->addWidget(m_choice);
    // Field options: which quantity (x0 is drawn as the displacement D(x) - x) and how.
    m_quantity->setObjectName(QString("paneQuantity%1").arg(index));
    m_quantity->addItem("score", "score");
    m_quantity->addItem("eps", "eps");
    m_quantity->addItem("D(x) - x", "x0");
    m_quantity->addItem("v", "v");
    m_quantity->addItem("velocity (PF-ODE)", "velocity");
    m_quantity->setToolTip("The field's quantity (same in every field pane)");
    for (int i = 0; i < m_quantity->count(); ++i) // each quantity explained on hover
        m_quantity->setItemData(i,
                                glossaryMeaning(m_quantity->itemData(i).toString() == "x0"
                                                    ? QString("D(x) - x")
                                                    : m_quantity->itemData(i).toString()),
                                Qt::ToolTipRole);
    m_streamlines->setObjectName(QString("paneStreamlines%1").arg(index));
    // Trajectory options: thousands of stochastic paths read better as fewer, fainter ones.
    m_paths->setObjectName(QString("panePaths%1").arg(index));
    m_paths->setRange(0, kMaxScenePaths);
    m_paths->setSingleStep(50);
    m_paths->setAccelerated(true);
    m_paths->setToolTip("How many particles are drawn as whole paths (evenly spaced through the "
                        "run's particles; 0: none). Every particle is still drawn at the frame.");
    m_opacity->setObjectName(QString("paneOpacity%1").arg(index));
    m_opacity->setRange(0.01, 1.0);
    m_opacity->setSingleStep(0.05);
    m_opacity->setDecimals(2);
    m_opacity->setToolTip("The paths' opacity: lower it to see where many paths overlap");
    for (QAbstractSpinBox* b :
         {static_cast<QAbstractSpinBox*>(m_paths), static_cast<QAbstractSpinBox*>(m_opacity)})
        b->setKeyboardTracking(false); // one change per typed number, not per digit
    // Particle colouring: log p_t through the PF-ODE, computed by the scene worker.
    m_colour->setObjectName(QString("paneColour%1").arg(index));
    m_colour->addItem("time", "time");
    m_colour->addItem("log-likelihood log p_t", "log-likelihood");
    m_colour->setToolTip("Particle colour: by time, or by their log-likelihood log p_t (nats) "
                         "through the probability-flow ODE with the model (the exact value "
                         "beside it where the data is a Gaussian mixture)");
    // The view's options in a drop-down, so that a header holds only the view's name and one
    // button: four panes and both docks then fit a 1280 x 800 screen.
    auto* fieldRows = new QFormLayout(m_fieldOptions);
    fieldRows->addRow("Quantity", m_quantity);
    fieldRows->addRow("", m_streamlines);
    auto* pathRows = new QFormLayout(m_pathOptions);
    pathRows->addRow("Paths drawn", m_paths);
    pathRows->addRow("Path opacity", m_opacity);
    pathRows->addRow("Colour particles by", m_colour);
    auto* menu = new QMenu(m_options);
    auto* panel = new QWidget(menu);
    auto* stack = new QVBoxLayout(panel);
    stack->setContentsMargins(0, 0, 0, 0);
    stack->addWidget(m_fieldOptions);
    stack->addWidget(m_pathOptions);
    auto* action = new QWidgetAction(menu);
    action->setDefaultWidget(panel);
    menu->addAction(action);
    m_options->setObjectName(QString("paneOptions%1").arg(index));
    m_options->setText("Options");
    m_options->setToolTip("This view's options: the field's quantity and streamlines, or the "
                          "trajectories' paths and particle colours");
    m_options->setMenu(menu);
    m_options->setPopupMode(QToolButton::InstantPopup);
    header->addWidget(m_options);
    // What am I looking at: the view's one-line caption beside its name (cut to the room left).
    m_caption->setObjectName(QString("paneCaption%1").arg(index));
    m_caption->setStyleSheet("color: palette(dark); font-style: italic;");
    m_caption->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    header->addWidget(m_caption, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(header);
    layout->addWidget(m_canvas, 1);
    connect(m_choice, &QComboBox::currentIndexChanged, this, [this](int) {
        setKind(kind()); // field options show for field panes only
        emit kindChosen(m_index, kind());
    });
    auto fieldChanged = [this] {
        emit fieldOptionsChosen(m_quantity->currentData().toString(), m_streamlines->isChecked());
    };
    connect(m_quantity, &QComboBox::currentIndexChanged, this, fieldChanged);
    connect(m_streamlines, &QCheckBox::toggled, this, fieldChanged);
    auto pathsChanged = [this] {
        emit pathOptionsChosen(m_paths->value(), m_opacity->value(),
                               m_colour->currentData().toString());
    };
    connect(m_paths, &QSpinBox::valueChanged, this, pathsChanged);
    connect(m_opacity, &QDoubleSpinBox::valueChanged, this, pathsChanged);
    connect(m_colour, &QComboBox::currentIndexChanged, this, pathsChanged);
    setKind(kind());
}

void ViewPane::showFieldOptions(const SceneView& view) {
    const QSignalBlocker a(m_quantity), b(m_streamlines), c(m_paths), d(m_opacity), e(m_colour);
    m_quantity->setCurrentIndex(
        std::max(0, m_quantity->findData(QString::fromStdString(view.fieldQuantity))));
    m_streamlines->setChecked(view.streamlines);
    m_paths->setValue(view.paths);
    m_opacity->setValue(view.pathOpacity);
    m_colour->setCurrentIndex(
        std::max(0, m_colour->findData(QString::fromStdString(view.particleColour))));
}

std::string ViewPane::kind() const {
    return m_choice->currentText().toStdString();
}

void ViewPane::setKind(const std::string& view) {
    const QSignalBlocker block(m_choice);
    m_choice->setCurrentText(QString::fromStdString(view));
    m_fieldOptions->setVisible(view == "field");
    m_pathOptions->setVisible(view == "trajectories");
    m_options->setVisible(view == "field" || view == "trajectories");
    QString caption;
    for (const ViewInfo& v : viewRegistry())
        if (v.name == view) caption = QString::fromStdString(v.caption);
    m_caption->setText(caption);
    // Hovering the plot explains the terms its view uses.
    m_caption->setToolTip(viewTooltip(view));
    m_canvas->setToolTip(viewTooltip(view));
}

void ViewPane::setImageData(bool image) {
    auto* model = qobject_cast<QStandardItemModel*>(m_choice->model());
    if (!model) return;
    for (int i = 0; i < model->rowCount(); ++i) {
        const bool fits = findView(m_choice->itemText(i).toStdString()).fits(image);
        model->item(i)->setEnabled(fits);
    }
}

void ViewPane::setSnapshot(SnapshotPtr snapshot) {
    m_canvas->setSnapshot(std::move(snapshot), m_index);
}

} // namespace dfs::gui
