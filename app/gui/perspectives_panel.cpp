// The Perspectives panel's widgets and the tour.
#include "app/gui/perspectives_panel.hpp"

#include "core/perspectives/perspective.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QVBoxLayout>

namespace dfs::gui {

namespace {

QLabel* wrapped(QWidget* parent, const QString& style = QString()) {
    auto* l = new QLabel(parent);
    l->setWordWrap(true);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    if (!style.isEmpty()) l->setStyleSheet(style);
    return l;
}

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

/// The catalogue's plain-text math as rich text: "x_t" and "x_{t−1}" become subscripts, lines
/// become line breaks.
QString math(const std::string& s) {
    QString html = q(s).toHtmlEscaped();
    static const QRegularExpression braced("_\\{([^}]*)\\}"), simple("_([A-Za-z0-9θ]+)");
    html.replace(braced, "<sub>\\1</sub>");
    html.replace(simple, "<sub>\\1</sub>");
    html.replace("\n", "<br>");
    return html;
}

} // namespace

PerspectivesPanel::PerspectivesPanel(QWidget* parent) : QWidget(parent) {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(4, 4, 4, 4);
    m_intro = wrapped(this);
    m_intro->setText("One diffusion model, eight ways of seeing it. Pick a perspective and press "
                     "<b>Show me</b> to lay out its views on the model you have open, or take "
                     "the tour through the eight guided scenes.");
    outer->addWidget(m_intro);

    auto* tourRow = new QHBoxLayout;
    m_tourStart = new QPushButton("Take the tour", this);
    m_tourStart->setToolTip("Open the eight guided scenes one after another, with what to look "
                            "at in each");
    m_back = new QPushButton("◀ Back", this);
    m_next = new QPushButton("Next ▶", this);
    m_tourLabel = new QLabel(this);
    tourRow->addWidget(m_tourStart);
    tourRow->addWidget(m_back);
    tourRow->addWidget(m_next);
    tourRow->addWidget(m_tourLabel, 1);
    outer->addLayout(tourRow);

    m_list = new QListWidget(this);
    m_list->setObjectName("perspectiveList");
    int i = 1;
    for (const Perspective& p : perspectives()) {
        auto* item = new QListWidgetItem(QString("%1. %2").arg(i++).arg(q(p.title)), m_list);
        item->setToolTip(q(p.claim));
    }
    m_list->setMaximumHeight(m_list->sizeHintForRow(0) * 8 + 2 * m_list->frameWidth() + 4);
    outer->addWidget(m_list);

    // The selected perspective's text scrolls; the buttons stay in view.
    auto* page = new QWidget;
    auto* text = new QVBoxLayout(page);
    text->setContentsMargins(2, 2, 2, 2);
    m_title = wrapped(page, "font-weight: bold; font-size: 14pt;");
    m_claim = wrapped(page, "font-style: italic;");
    m_explanation = wrapped(page);
    m_equation = wrapped(page, "font-family: 'DejaVu Serif', serif; font-size: 11pt; "
                               "background: palette(base); border: 1px solid palette(mid); "
                               "padding: 6px;");
    m_equation->setToolTip("The key equation; the source below names the paper");
    m_guide = wrapped(page);
    m_note = wrapped(page, "color: #8a5a00;");
    m_source = wrapped(page, "color: palette(dark); font-size: 8pt;");
    m_scene = wrapped(page, "border-top: 1px solid palette(mid); padding-top: 4px;");
    for (QLabel* l : {m_title, m_claim, m_explanation, m_equation, m_guide, m_note, m_source})
        text->addWidget(l);
    text->addSpacing(6);
    text->addWidget(m_scene);
    text->addStretch(1);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(page);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    outer->addWidget(scroll, 1);

    auto* buttons = new QHBoxLayout;
    m_showMe = new QPushButton("Show me", this);
    m_showMe->setToolTip("Lay out this perspective's views on the model that is open now (the "
                         "data, model and sampler stay as they are)");
    m_preset = new QPushButton("Guided preset", this);
    m_preset->setToolTip("Open the scene chosen to make this perspective's point");
    buttons->addWidget(m_showMe);
    buttons->addWidget(m_preset);
    outer->addLayout(buttons);

    connect(m_list, &QListWidget::currentRowChanged, this, [this](int) { refresh(); });
    connect(m_showMe, &QPushButton::clicked, this,
            [this] { emit showMe(q(perspectives()[std::size_t(current())].name)); });
    connect(m_preset, &QPushButton::clicked, this,
            [this] { emit openPreset(q(perspectives()[std::size_t(current())].name)); });
    connect(m_tourStart, &QPushButton::clicked, this, &PerspectivesPanel::startTour);
    connect(m_back, &QPushButton::clicked, this, [this] { moveTour(-1); });
    connect(m_next, &QPushButton::clicked, this, [this] { moveTour(1); });
    select(0);
}

void PerspectivesPanel::setImageData(bool images) {
    if (images == m_images) return;
    m_images = images;
    refresh();
}

void PerspectivesPanel::setSceneAbout(const QString& title, const QString& about) {
    m_scene->setVisible(!title.isEmpty() || !about.isEmpty());
    m_scene->setText(
        QString("<b>This scene:</b> %1<br>%2").arg(title.toHtmlEscaped(), about.toHtmlEscaped()));
}

void PerspectivesPanel::select(int index) {
    const int n = int(perspectives().size());
    m_list->setCurrentRow(std::clamp(index, 0, n - 1));
    refresh();
}

int PerspectivesPanel::current() const {
    return std::max(0, m_list->currentRow());
}

void PerspectivesPanel::startTour() {
    m_tour = -1;
    moveTour(1);
}

void PerspectivesPanel::moveTour(int delta) {
    const int n = int(perspectives().size());
    const int next = std::clamp(m_tour < 0 ? delta - 1 : m_tour + delta, 0, n - 1);
    if (next == m_tour) return; // at either end already
    m_tour = next;
    select(m_tour);
    emit openPreset(q(perspectives()[std::size_t(m_tour)].name));
}

QString PerspectivesPanel::shownText() const {
    return QStringList{m_title->text(),    m_claim->text(), m_explanation->text(),
                       m_equation->text(), m_guide->text(), m_note->text()}
        .join("\n");
}

void PerspectivesPanel::refresh() {
    const Perspective& p = perspectives()[std::size_t(current())];
    const PerspectiveLayout& layout = m_images ? p.images : p.points;
    m_title->setText(q(p.title));
    m_claim->setText(math(p.claim));
    m_explanation->setText(math(p.explanation));
    m_equation->setText(math(p.equation));
    QStringList panes;
    for (const std::string& v : layout.panes) panes << q(v);
    m_guide->setText(QString("<b>What to look at</b> (%1 panes: %2). %3")
                         .arg(m_images ? "image" : "2-D", panes.join(", "), math(layout.guide)));
    QStringList notes;
    if (!m_images && !p.pointsNote.empty()) notes << "<b>On 2-D data:</b> " + math(p.pointsNote);
    if (!p.pending.empty()) notes << "<b>Not yet shown:</b> " + math(p.pending);
    m_note->setText(notes.join("<br>"));
    m_note->setVisible(!notes.isEmpty());
    m_source->setText("Sources: " + q(p.source));
    const int n = int(perspectives().size());
    m_back->setEnabled(m_tour > 0);
    m_next->setEnabled(m_tour < n - 1);
    m_tourLabel->setText(m_tour < 0 ? QString() : QString("tour: %1 of %2").arg(m_tour + 1).arg(n));
}

} // namespace dfs::gui
