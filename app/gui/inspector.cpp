// Inspector widgets.
#include "app/gui/inspector.hpp"

#include "app/gui/glossary.hpp"
#include "app/render/colormap.hpp"

#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace dfs::gui {

namespace {
QString pair(const double v[2]) {
    return QString("(%1, %2)").arg(v[0], 0, 'f', 4).arg(v[1], 0, 'f', 4);
}
} // namespace

PosteriorPlot::PosteriorPlot(QWidget* parent) : QWidget(parent) {
    setMinimumSize(160, 160);
}

void PosteriorPlot::setData(SnapshotPtr snapshot) {
    m_snapshot = std::move(snapshot);
    update();
}

void PosteriorPlot::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), Qt::white);
    p.setPen(QColor(150, 150, 150));
    const double side = std::min(width(), height()) - 8;
    const QRectF box((width() - side) / 2, 4, side, side);
    p.drawRect(box);
    if (!m_snapshot || !m_snapshot->particle) return;
    const ParticleInfo& info = *m_snapshot->particle;
    const double e = m_snapshot->scene.view.extent;
    auto map = [&](double x, double y) {
        return QPointF(box.left() + (x + e) / (2 * e) * side,
                       box.bottom() - (y + e) / (2 * e) * side);
    };
    const auto& d = m_snapshot->data;
    const bool weighted = info.weights.size() * 2 == d.size();
    const float wmax =
        weighted ? *std::max_element(info.weights.begin(), info.weights.end()) : 1.0f;
    for (std::size_t i = 0; i + 1 < d.size(); i += 2) {
        const double w = weighted && wmax > 0 ? info.weights[i / 2] / wmax : 0.0;
        p.setPen(QPen(weighted ? QColor::fromRgb(render::colormapColor(render::Colormap::Magma,
                                                                       0.15 + 0.85 * w))
                               : QColor(160, 160, 170),
                      weighted ? 1.5 + 3 * w : 1.5));
        p.drawPoint(map(d[i], d[i + 1]));
    }
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(QColor(220, 20, 60), 2));
    p.drawEllipse(map(info.x[0], info.x[1]), 4, 4);
    p.setPen(QPen(QColor(255, 140, 0), 2));
    p.drawLine(map(info.x[0], info.x[1]), map(info.x0Hat[0], info.x0Hat[1]));
    p.setPen(QColor(60, 60, 60));
    p.drawText(box.adjusted(4, 2, 0, 0), Qt::AlignLeft | Qt::AlignTop,
               weighted ? "posterior weights over the data"
                        : "data (weights: ideal denoiser only)");
}

Inspector::Inspector(QWidget* parent)
    : QWidget(parent), m_values(new QLabel(this)), m_posterior(new PosteriorPlot(this)) {
    m_values->setObjectName("inspectorValues");
    m_values->setToolTip("<i>x0_hat</i>: " + glossaryMeaning("x0_hat") + "<br><i>eps_hat</i>: " +
                         glossaryMeaning("eps") + "<br><i>score</i>: " + glossaryMeaning("score") +
                         "<br><i>N_eff</i>: " + glossaryMeaning("N_eff"));
    m_values->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_values->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    QFont mono("Monospace");
    mono.setStyleHint(QFont::TypeWriter);
    m_values->setFont(mono);
    auto* layout = new QVBoxLayout(this);
    auto* heading =
        new QLabel("<b>Selected particle</b> (click a particle in a trajectories pane, or a "
                   "row of the samples pane for images)",
                   this);
    heading->setWordWrap(true);
    layout->addWidget(heading);
    layout->addWidget(m_values);
    layout->addWidget(m_posterior, 1);
}

void Inspector::showSnapshot(SnapshotPtr s) {
    if (s && s->particle) {
        const ParticleInfo& p = *s->particle;
        QString text = QString("particle  %1\nframe     %2\nt         %3\nsigma     %4\n"
                               "x         %5\nx0_hat    %6\neps_hat   %7\nscore     %8")
                           .arg(p.particle < 0 ? QString("dropped") : QString::number(p.particle))
                           .arg(p.frame)
                           .arg(p.t, 0, 'f', 4)
                           .arg(p.sigma, 0, 'g', 4)
                           .arg(pair(p.x), pair(p.x0Hat), pair(p.epsHat), pair(p.score));
        if (!p.weights.empty())
            text += QString("\neff. count %1 points").arg(p.effectiveCount, 0, 'f', 1);
        m_values->setText(text);
    } else {
        m_values->setText("no particle");
    }
    m_posterior->setData(std::move(s));
}

QString Inspector::valuesText() const {
    return m_values->text();
}

} // namespace dfs::gui
