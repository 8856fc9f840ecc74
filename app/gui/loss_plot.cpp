// Loss curve and per-t error bars.
#include "app/gui/loss_plot.hpp"

#include "app/render/plot_frame.hpp"

#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

namespace dfs::gui {

LossPlot::LossPlot(QWidget* parent) : QWidget(parent) {
    setMinimumHeight(170);
}

void LossPlot::setData(QVector<double> loss, QVector<double> perT, double stepsPerPoint) {
    m_loss = std::move(loss);
    m_perT = std::move(perT);
    m_stepsPerPoint = stepsPerPoint;
    update();
}

void LossPlot::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), Qt::white);
    QFont f = font();
    f.setPixelSize(10);
    p.setFont(f);
    const QRectF all = QRectF(rect()).adjusted(40, 16, -8, -22);
    const QRectF curve(all.left(), all.top(), all.width() * 0.62, all.height());
    const QRectF bars(curve.right() + 28, all.top(), all.right() - curve.right() - 28,
                      all.height());
    p.setPen(QColor(60, 60, 60));
    p.drawText(QPointF(curve.left(), 11), "loss (log scale) vs step");
    p.drawText(QPointF(bars.left(), 11), "x0 error per t");
    p.setPen(QColor(150, 150, 150));
    p.drawRect(curve);
    p.drawRect(bars);
    if (m_loss.isEmpty()) {
        p.drawText(curve, Qt::AlignCenter, "not trained yet");
        return;
    }
    double lo = INFINITY, hi = -INFINITY;
    for (double v : m_loss)
        if (v > 0 && std::isfinite(v))
            lo = std::min(lo, std::log10(v)), hi = std::max(hi, std::log10(v));
    if (!(hi > lo)) hi = lo + 1;
    const double steps = m_loss.size() * m_stepsPerPoint;
    QPainterPath path;
    for (int k = 0; k < m_loss.size(); ++k) {
        const double v = std::log10(std::max(m_loss[k], 1e-30));
        const QPointF q(curve.left() + (k + 1) * m_stepsPerPoint / steps * curve.width(),
                        curve.bottom() - (v - lo) / (hi - lo) * curve.height());
        k == 0 ? path.moveTo(q) : path.lineTo(q);
    }
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(QColor(31, 119, 180), 1.5));
    p.drawPath(path);
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(QColor(60, 60, 60));
    p.drawText(QRectF(0, curve.top() - 6, curve.left() - 3, 12), Qt::AlignRight,
               render::shortNumber(std::pow(10, hi)));
    p.drawText(QRectF(0, curve.bottom() - 6, curve.left() - 3, 12), Qt::AlignRight,
               render::shortNumber(std::pow(10, lo)));
    p.drawText(QRectF(curve.left(), curve.bottom() + 2, curve.width(), 12), Qt::AlignRight,
               QString("%1 steps").arg(steps));
    const double emax =
        m_perT.isEmpty() ? 1 : std::max(1e-12, *std::max_element(m_perT.begin(), m_perT.end()));
    const double w = bars.width() / std::max<qsizetype>(1, m_perT.size());
    for (int k = 0; k < m_perT.size(); ++k) {
        const double h = m_perT[k] / emax * bars.height();
        p.fillRect(QRectF(bars.left() + k * w + 1, bars.bottom() - h, w - 2, h),
                   QColor(255, 127, 14));
    }
    p.drawText(QRectF(bars.left(), bars.bottom() + 2, bars.width(), 12), Qt::AlignLeft, "t=0");
    p.drawText(QRectF(bars.left(), bars.bottom() + 2, bars.width(), 12), Qt::AlignRight, "1");
    p.drawText(QRectF(bars.left() - 28, bars.top() - 6, 26, 12), Qt::AlignRight,
               render::shortNumber(emax));
}

} // namespace dfs::gui
