// Schedule curves: alpha and sigma share the left axis (scaled to the larger of their maxima);
// logSNR has its own axis on the right, clipped to [-12, 12] where it runs off to +-infinity.
#include "app/gui/schedule_plot.hpp"

#include "app/render/plot_frame.hpp"
#include "core/schedules/schedule.hpp"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

namespace dfs::gui {

namespace {
constexpr double kSnrClip = 12;
constexpr int kSamples = 200;
} // namespace

SchedulePlot::SchedulePlot(QWidget* parent) : QWidget(parent) {
    setMinimumHeight(170);
}
SchedulePlot::~SchedulePlot() = default;

void SchedulePlot::setSchedule(const std::string& name) {
    m_schedule = makeSchedule(name);
    update();
}
void SchedulePlot::setGrid(std::vector<double> grid) {
    m_grid = std::move(grid);
    update();
}
void SchedulePlot::setCursor(double t) {
    m_cursor = t;
    update();
}

QRectF SchedulePlot::plotRect() const {
    return QRectF(rect()).adjusted(38, 22, -38, -30);
}

void SchedulePlot::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), Qt::white);
    if (!m_schedule) return;
    p.setRenderHint(QPainter::Antialiasing, true);
    const QRectF r = plotRect();
    double amax = 0;
    for (int k = 0; k <= kSamples; ++k) {
        const double t = double(k) / kSamples;
        amax = std::max({amax, m_schedule->alpha(t), m_schedule->sigma(t)});
    }
    amax = std::min(amax, 100.0);
    auto X = [&](double t) { return r.left() + t * r.width(); };
    auto Yl = [&](double v) { return r.bottom() - std::clamp(v / amax, 0.0, 1.0) * r.height(); };
    auto Yr = [&](double s) {
        return r.bottom() -
               (std::clamp(s, -kSnrClip, kSnrClip) + kSnrClip) / (2 * kSnrClip) * r.height();
    };
    QPainterPath alpha, sigma, snr;
    for (int k = 0; k <= kSamples; ++k) {
        const double t = double(k) / kSamples;
        const QPointF a(X(t), Yl(m_schedule->alpha(t))), s(X(t), Yl(m_schedule->sigma(t)));
        const QPointF l(X(t), Yr(k == 0 ? kSnrClip : m_schedule->logSnr(t)));
        k == 0 ? alpha.moveTo(a) : alpha.lineTo(a);
        k == 0 ? sigma.moveTo(s) : sigma.lineTo(s);
        k == 0 ? snr.moveTo(l) : snr.lineTo(l);
    }
    // Sampler grid as ticks along the bottom.
    p.setPen(QPen(QColor(200, 60, 60, 160), 1));
    for (double t : m_grid) p.drawLine(QPointF(X(t), r.bottom()), QPointF(X(t), r.bottom() - 7));
    p.setPen(QPen(QColor(31, 119, 180), 2));
    p.drawPath(alpha);
    p.setPen(QPen(QColor(255, 127, 14), 2));
    p.drawPath(sigma);
    p.setPen(QPen(QColor(44, 160, 44), 2, Qt::DashLine));
    p.drawPath(snr);
    p.setPen(QPen(QColor(200, 30, 30), 1.5));
    p.drawLine(QPointF(X(m_cursor), r.top()), QPointF(X(m_cursor), r.bottom()));

    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(QColor(90, 90, 90));
    p.setBrush(Qt::NoBrush);
    p.drawRect(r);
    QFont f = font();
    f.setPixelSize(10);
    p.setFont(f);
    for (double t : render::niceTicks(0, 1, 5)) {
        p.drawLine(QPointF(X(t), r.bottom()), QPointF(X(t), r.bottom() + 3));
        p.drawText(QRectF(X(t) - 15, r.bottom() + 3, 30, 12), Qt::AlignCenter,
                   render::shortNumber(t));
    }
    for (double v : render::niceTicks(0, amax, 4))
        p.drawText(QRectF(0, Yl(v) - 6, r.left() - 3, 12), Qt::AlignRight | Qt::AlignVCenter,
                   render::shortNumber(v));
    for (double v : render::niceTicks(-kSnrClip, kSnrClip, 4))
        p.drawText(QRectF(r.right() + 3, Yr(v) - 6, 35, 12), Qt::AlignLeft | Qt::AlignVCenter,
                   render::shortNumber(v));
    p.drawText(QRectF(r.left(), r.bottom() + 15, r.width(), 14), Qt::AlignCenter,
               "t (0 = data, 1 = noise); red ticks: sampler grid");
    const struct {
        const char* name;
        QColor color;
    } legend[] = {{"alpha", QColor(31, 119, 180)},
                  {"sigma", QColor(255, 127, 14)},
                  {"logSNR (right axis)", QColor(44, 160, 44)}};
    double x = r.left();
    for (const auto& item : legend) {
        p.setPen(item.color);
        p.drawText(QPointF(x, 14), item.name);
        x += p.fontMetrics().horizontalAdvance(item.name) + 14;
    }
}

void SchedulePlot::mousePressEvent(QMouseEvent* e) {
    const QRectF r = plotRect();
    emit timePicked(std::clamp((e->position().x() - r.left()) / r.width(), 0.0, 1.0));
}
void SchedulePlot::mouseMoveEvent(QMouseEvent* e) {
    if (e->buttons() & Qt::LeftButton) mousePressEvent(e);
}

} // namespace dfs::gui
