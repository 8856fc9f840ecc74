// Noise process panel.
#include "app/gui/noise_panel.hpp"

#include "app/gui/schedule_plot.hpp"
#include "core/schedules/schedule.hpp"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace dfs::gui {

NoisePanel::NoisePanel(QWidget* parent)
    : QWidget(parent), m_schedule(new QComboBox(this)), m_about(new QLabel(this)),
      m_plot(new SchedulePlot(this)) {
    m_schedule->setObjectName("schedule");
    for (const auto& [name, about] : listSchedules()) {
        m_schedule->addItem(QString::fromStdString(name));
        m_schedule->setItemData(m_schedule->count() - 1, QString::fromStdString(about), Qt::ToolTipRole);
    }
    m_about->setWordWrap(true);
    m_about->setStyleSheet("color: #555");
    auto* form = new QFormLayout;
    form->addRow("Schedule", m_schedule);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_about);
    layout->addWidget(m_plot, 1);
    connect(m_schedule, &QComboBox::currentIndexChanged, this, [this] {
        m_plot->setSchedule(m_schedule->currentText().toStdString());
        m_about->setText(m_schedule->currentData(Qt::ToolTipRole).toString());
        if (!m_loading) emit edited();
    });
}

void NoisePanel::showScene(const Scene& s) {
    m_loading = true;
    m_schedule->setCurrentText(QString::fromStdString(s.model.schedule));
    m_plot->setSchedule(s.model.schedule);
    m_about->setText(m_schedule->currentData(Qt::ToolTipRole).toString());
    m_loading = false;
}

void NoisePanel::applyTo(Scene& s) const { s.model.schedule = m_schedule->currentText().toStdString(); }

void NoisePanel::showGrid(std::vector<double> grid, double cursor) {
    m_plot->setGrid(std::move(grid));
    m_plot->setCursor(cursor);
}

} // namespace dfs::gui
