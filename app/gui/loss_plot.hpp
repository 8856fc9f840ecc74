// Training curves: the loss per chunk (log scale) and the x0 error per t-bucket as bars.
#pragma once

#include <QVector>
#include <QWidget>

namespace dfs::gui {

class LossPlot : public QWidget {
    Q_OBJECT
public:
    explicit LossPlot(QWidget* parent = nullptr);
    void setData(QVector<double> loss, QVector<double> perT, double stepsPerPoint);
    QSize sizeHint() const override { return {300, 190}; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    QVector<double> m_loss, m_perT;
    double m_stepsPerPoint = 100;
};

} // namespace dfs::gui
