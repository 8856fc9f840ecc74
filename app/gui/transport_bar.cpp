// Transport bar widgets.
#include "app/gui/transport_bar.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QStyle>
#include <QToolButton>

namespace dfs::gui {

namespace {
constexpr int kTimeTicks = 1000;

QToolButton* button(QWidget* parent, QStyle::StandardPixmap icon, const QString& tip,
                    const QString& name) {
    auto* b = new QToolButton(parent);
    b->setIcon(parent->style()->standardIcon(icon));
    b->setToolTip(tip);
    b->setObjectName(name);
    return b;
}
} // namespace

TransportBar::TransportBar(QWidget* parent)
    : QWidget(parent), m_frame(new QSlider(Qt::Horizontal, this)), m_frameLabel(new QLabel(this)),
      m_time(new QSlider(Qt::Horizontal, this)), m_timeLabel(new QLabel(this)),
      m_speed(new QComboBox(this)) {
    auto* start =
        button(this, QStyle::SP_MediaSkipBackward, "Jump to the first frame (Home)", "toStart");
    auto* back = button(this, QStyle::SP_MediaSeekBackward, "Step back (Left)", "stepBack");
    m_play = button(this, QStyle::SP_MediaPlay, "Play / pause (Space)", "play");
    auto* fwd = button(this, QStyle::SP_MediaSeekForward, "Step forward (Right)", "stepForward");
    auto* end = button(this, QStyle::SP_MediaSkipForward, "Run to the last frame (End)", "toEnd");
    m_frame->setObjectName("frameSlider");
    m_time->setObjectName("timeSlider");
    m_time->setRange(0, kTimeTicks);
    m_time->setToolTip("Time cursor for the chain and field views (0 = data, 1 = noise)");
    m_frameLabel->setMinimumWidth(90);
    m_timeLabel->setMinimumWidth(70);
    for (int fps : {1, 2, 5, 10, 20, 30}) m_speed->addItem(QString("%1 fps").arg(fps), fps);
    m_speed->setCurrentIndex(3);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 2, 6, 2);
    for (QWidget* w :
         {static_cast<QWidget*>(start), static_cast<QWidget*>(back), static_cast<QWidget*>(m_play),
          static_cast<QWidget*>(fwd), static_cast<QWidget*>(end)})
        layout->addWidget(w);
    layout->addWidget(new QLabel("Frame", this));
    layout->addWidget(m_frame, 2);
    layout->addWidget(m_frameLabel);
    layout->addWidget(new QLabel("t", this));
    layout->addWidget(m_time, 1);
    layout->addWidget(m_timeLabel);
    layout->addWidget(m_speed);
    connect(start, &QToolButton::clicked, this, &TransportBar::toStart);
    connect(back, &QToolButton::clicked, this, &TransportBar::stepBack);
    connect(m_play, &QToolButton::clicked, this, &TransportBar::playToggled);
    connect(fwd, &QToolButton::clicked, this, &TransportBar::stepForward);
    connect(end, &QToolButton::clicked, this, &TransportBar::toEnd);
    connect(m_frame, &QSlider::valueChanged, this, &TransportBar::frameChosen);
    connect(m_time, &QSlider::valueChanged, this,
            [this](int v) { emit timeChosen(double(v) / kTimeTicks); });
    connect(m_speed, &QComboBox::currentIndexChanged, this, [this] { emit speedChanged(speed()); });
}

void TransportBar::showState(int frame, int totalFrames, double cursorT, double frameT) {
    const QSignalBlocker a(m_frame), b(m_time);
    m_frame->setRange(0, std::max(0, totalFrames - 1));
    m_frame->setValue(frame);
    m_frameLabel->setText(
        QString("%1 / %2  (t %3)").arg(frame).arg(totalFrames - 1).arg(frameT, 0, 'f', 3));
    m_time->setValue(int(std::lround(cursorT * kTimeTicks)));
    m_timeLabel->setText(QString::number(cursorT, 'f', 3));
}

void TransportBar::setPlaying(bool playing) {
    m_play->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
}

int TransportBar::speed() const {
    return m_speed->currentData().toInt();
}

} // namespace dfs::gui
