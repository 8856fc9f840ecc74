// The transport bar: jump to start, step back, play/pause, step forward, jump to end, the frame
// slider, the shared time cursor and the playback speed.
#pragma once

#include <QWidget>

class QSlider;
class QLabel;
class QToolButton;
class QComboBox;

namespace dfs::gui {

class TransportBar : public QWidget {
    Q_OBJECT
public:
    explicit TransportBar(QWidget* parent = nullptr);
    /// Shows the worker's state without emitting signals.
    void showState(int frame, int totalFrames, double cursorT, double frameT);
    void setPlaying(bool playing);
    /// Frames per second of playback.
    int speed() const;

signals:
    void toStart();
    void stepBack();
    void playToggled();
    void stepForward();
    void toEnd();
    void frameChosen(int frame);
    void timeChosen(double t);
    void speedChanged(int fps);

private:
    QToolButton* m_play;
    QSlider* m_frame;
    QLabel* m_frameLabel;
    QSlider* m_time;
    QLabel* m_timeLabel;
    QComboBox* m_speed;
};

} // namespace dfs::gui
