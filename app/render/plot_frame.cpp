// Axes, colour bars and titles.
#include "app/render/plot_frame.hpp"

#include <QFontMetricsF>
#include <algorithm>
#include <cmath>

namespace dfs::render {

std::vector<double> niceTicks(double lo, double hi, int target) {
    std::vector<double> ticks;
    if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return ticks;
    const double raw = (hi - lo) / std::max(1, target);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double r = raw / mag;
    const double step = (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * mag;
    for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step)
        ticks.push_back(std::abs(v) < 1e-12 * step ? 0.0 : v);
    return ticks;
}

QString shortNumber(double v) {
    if (!std::isfinite(v)) return v > 0 ? "inf" : v < 0 ? "-inf" : "nan";
    return QString::number(v, 'g', 3);
}

PlotFrame::PlotFrame(const QRectF& area, double x0, double x1, double y0, double y1, double fontPx,
                     bool equalAspect)
    : m_x0(x0), m_x1(x1), m_y0(y0), m_y1(y1), m_font(fontPx) {
    const double left = 3.2 * fontPx, bottom = 1.8 * fontPx, pad = 0.5 * fontPx;
    const QRectF room = area.adjusted(left, pad, -pad, -bottom);
    if (equalAspect) {
        const double side = std::max(1.0, std::min(room.width(), room.height()));
        const double aspect = (y1 - y0) / (x1 - x0);
        double w = side, h = side;
        if (aspect > 1)
            w = side / aspect;
        else
            h = side * aspect;
        m_plot = QRectF(room.left() + (room.width() - w) / 2, room.top() + (room.height() - h) / 2,
                        w, h);
    } else {
        m_plot = room.adjusted(1.4 * fontPx, 0, 0, -1.2 * fontPx); // room for the axis titles
    }
    m_sx = m_plot.width() / (x1 - x0);
    m_sy = m_plot.height() / (y1 - y0);
}

QPointF PlotFrame::unmap(const QPointF& p) const {
    return {m_x0 + (p.x() - m_plot.left()) / m_sx, m_y0 + (m_plot.bottom() - p.y()) / m_sy};
}

void PlotFrame::drawAxes(QPainter& p) const {
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    QFont f = p.font();
    f.setPixelSize(std::max(1, int(m_font)));
    p.setFont(f);
    p.setPen(QPen(QColor(90, 90, 90), 1));
    p.setBrush(Qt::NoBrush);
    p.drawRect(m_plot);
    const QFontMetricsF fm(f);
    const double tick = 0.35 * m_font;
    // Log axes: ticks at whole decades of the value.
    auto ticks = [](double lo, double hi, int target, bool log) {
        if (!log) return niceTicks(lo, hi, target);
        // Whole decades; over less than two decades also 2 and 5 times them.
        std::vector<double> t;
        const bool fine = hi - lo < 2;
        for (double d = std::floor(lo); d <= hi + 1e-9; d += 1)
            for (double m : {1.0, 2.0, 5.0}) {
                const double v = d + std::log10(m);
                if ((m == 1.0 || fine) && v >= lo - 1e-9 && v <= hi + 1e-9) t.push_back(v);
            }
        return t;
    };
    auto label = [](double v, bool log) { return shortNumber(log ? std::pow(10.0, v) : v); };
    for (double v : ticks(m_x0, m_x1, std::max(2, int(m_plot.width() / (5 * m_font))), m_logX)) {
        const double x = map(v, m_y0).x();
        p.drawLine(QPointF(x, m_plot.bottom()), QPointF(x, m_plot.bottom() + tick));
        const QString s = label(v, m_logX);
        p.drawText(QPointF(x - fm.horizontalAdvance(s) / 2, m_plot.bottom() + tick + fm.ascent()),
                   s);
    }
    for (double v : ticks(m_y0, m_y1, std::max(2, int(m_plot.height() / (3 * m_font))), m_logY)) {
        const double y = map(m_x0, v).y();
        p.drawLine(QPointF(m_plot.left() - tick, y), QPointF(m_plot.left(), y));
        const QString s = label(v, m_logY);
        p.drawText(
            QPointF(m_plot.left() - tick - 2 - fm.horizontalAdvance(s), y + fm.ascent() / 2.5), s);
    }
    if (!m_titleX.isEmpty())
        p.drawText(QRectF(m_plot.left(), m_plot.bottom() + tick + fm.height(), m_plot.width(),
                          fm.height()),
                   Qt::AlignHCenter | Qt::AlignTop, m_titleX);
    if (!m_titleY.isEmpty()) {
        p.translate(m_plot.left() - 4.4 * m_font, m_plot.center().y());
        p.rotate(-90);
        p.drawText(QRectF(-m_plot.height() / 2, 0, m_plot.height(), fm.height()),
                   Qt::AlignHCenter | Qt::AlignTop, m_titleY);
    }
    p.restore();
}

void PlotFrame::drawImage(QPainter& p, const QImage& img, double gx0, double gx1, double gy0,
                          double gy1, bool smooth) const {
    const QPointF a = map(gx0, gy1), b = map(gx1, gy0);
    p.save();
    p.setClipRect(m_plot);
    p.setRenderHint(QPainter::SmoothPixmapTransform, smooth);
    p.drawImage(QRectF(a, b), img);
    p.restore();
}

void drawColorBar(QPainter& p, const QRectF& area, Colormap map, double lo, double hi,
                  const QString& label, double fontPx) {
    p.save();
    QFont f = p.font();
    f.setPixelSize(std::max(1, int(fontPx)));
    p.setFont(f);
    const QFontMetricsF fm(f);
    const QRectF bar(area.left(), area.top(), std::min(area.width() * 0.3, fontPx), area.height());
    QImage ramp(1, 256, QImage::Format_RGB32);
    for (int k = 0; k < 256; ++k) ramp.setPixel(0, 255 - k, colormapColor(map, k / 255.0));
    p.drawImage(bar, ramp);
    p.setPen(QPen(QColor(90, 90, 90), 1));
    p.drawRect(bar);
    // A handful of ticks, whatever the height (issue 15: readable colour bars).
    double widest = 0;
    for (double v : niceTicks(lo, hi, std::clamp(int(bar.height() / (2.5 * fontPx)), 2, 6))) {
        const double y = bar.bottom() - (v - lo) / (hi - lo) * bar.height();
        p.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + 0.3 * fontPx, y));
        p.drawText(QPointF(bar.right() + 0.4 * fontPx, y + fm.ascent() / 2.5), shortNumber(v));
        widest = std::max(widest, fm.horizontalAdvance(shortNumber(v)));
    }
    // The label runs upwards just right of the tick labels (within the column).
    const QString shown = fm.elidedText(label, Qt::ElideRight, bar.height());
    const double labelX = bar.right() + 0.8 * fontPx + widest + fm.ascent();
    p.translate(std::min(labelX, area.right() - 0.3 * fontPx), bar.bottom());
    p.rotate(-90);
    p.drawText(QPointF(0, 0), shown);
    p.restore();
}

QRectF barBeside(const QRectF& plot, const QRectF& column, double fontPx) {
    const double left = std::min(column.left(), plot.right() + 0.8 * fontPx);
    return {left, plot.top(), column.width(), plot.height()};
}

QString countOf(double v, const QString& singular, const QString& plural) {
    const QString n = shortNumber(v);
    return n + " " + (n == "1" ? singular : plural);
}

QRectF drawTitle(QPainter& p, const QRectF& area, const QString& title, const QString& detail,
                 double fontPx) {
    p.save();
    QFont f = p.font();
    f.setPixelSize(std::max(1, int(fontPx * 1.15)));
    f.setBold(true);
    p.setFont(f);
    p.setPen(QColor(30, 30, 30));
    const QFontMetricsF fm(f);
    const double h = fm.height() * 1.3;
    const QString shown = fm.elidedText(title, Qt::ElideRight, area.width() - fontPx);
    p.drawText(QRectF(area.left() + 0.5 * fontPx, area.top(), area.width() - fontPx, h),
               Qt::AlignVCenter | Qt::AlignLeft, shown);
    const double used = fm.horizontalAdvance(shown) + 1.5 * fontPx;
    f.setBold(false);
    f.setPixelSize(std::max(1, int(fontPx)));
    p.setFont(f);
    p.setPen(QColor(80, 80, 80));
    const QFontMetricsF fd(f);
    const QRectF detailRect(area.left() + used, area.top(), area.width() - used - 0.5 * fontPx, h);
    if (detailRect.width() > fontPx)
        p.drawText(detailRect, Qt::AlignVCenter | Qt::AlignRight,
                   fd.elidedText(detail, Qt::ElideLeft, detailRect.width()));
    p.restore();
    return area.adjusted(0, h, 0, 0);
}

} // namespace dfs::render
