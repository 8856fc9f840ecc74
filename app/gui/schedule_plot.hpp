// alpha(t), sigma(t) and logSNR(t) of a schedule on one shared time axis, with the sampler's
// time grid as ticks and the time cursor as a line.
#pragma once

#include <QWidget>
#include <memory>
#include <vector>

namespace dfs {
class Schedule;
}

namespace dfs::gui {

class SchedulePlot : public QWidget {
    Q_OBJECT
public:
    explicit SchedulePlot(QWidget* parent = nullptr);
    ~SchedulePlot() override;
    void setSchedule(const std::string& name);
    void setGrid(std::vector<double> grid);
    void setCursor(double t);
    QSize sizeHint() const override { return {300, 200}; }

signals:
    /// The user clicked or dragged on the time axis.
    void timePicked(double t);

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;

private:
    QRectF plotRect() const;
    std::unique_ptr<Schedule> m_schedule;
    std::vector<double> m_grid;
    double m_cursor = 0.5;
};

} // namespace dfs::gui
