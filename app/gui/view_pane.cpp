// Painting a pane and mapping the mouse.
#include "app/gui/view_pane.hpp"

#include "app/render/composite.hpp"
#include "app/render/view_renderers.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QVBoxLayout>

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
    if (const auto d = toData(e->position())) emit pressed(d->x(), d->y(), e->button(), e->modifiers());
}

void ViewCanvas::mouseMoveEvent(QMouseEvent* e) {
    if (!(e->buttons() & Qt::LeftButton)) return;
    if (const auto d = toData(e->position())) emit dragged(d->x(), d->y());
}

void ViewCanvas::mouseReleaseEvent(QMouseEvent* e) {
    if (const auto d = toData(e->position())) emit released(d->x(), d->y());
}

ViewPane::ViewPane(int index, QWidget* parent)
    : QWidget(parent), m_index(index), m_choice(new QComboBox(this)), m_canvas(new ViewCanvas(this)) {
    auto* header = new QHBoxLayout;
    header->setContentsMargins(4, 2, 4, 0);
    header->addWidget(new QLabel(QString("Pane %1:").arg(index + 1), this));
    for (const std::string& name : viewKindNames()) m_choice->addItem(QString::fromStdString(name));
    m_choice->setObjectName(QString("paneView%1").arg(index));
    m_choice->setToolTip("What this pane shows");
    header->addWidget(m_choice);
    header->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(header);
    layout->addWidget(m_canvas, 1);
    connect(m_choice, &QComboBox::currentIndexChanged, this, [this](int) {
        emit kindChosen(m_index, kind());
    });
}

ViewKind ViewPane::kind() const { return parseViewKind(m_choice->currentText().toStdString()); }

void ViewPane::setKind(ViewKind kind) {
    const QSignalBlocker block(m_choice);
    m_choice->setCurrentText(QString::fromStdString(viewKindName(kind)));
}

void ViewPane::setSnapshot(SnapshotPtr snapshot) { m_canvas->setSnapshot(std::move(snapshot), m_index); }

} // namespace dfs::gui
