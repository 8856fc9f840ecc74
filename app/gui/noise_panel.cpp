// Noise process panel.
#include "app/gui/noise_panel.hpp"

#include "app/gui/schedule_plot.hpp"
#include "core/schedules/schedule.hpp"
#include "core/schedules/schedule_spec.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace dfs::gui {

NoisePanel::NoisePanel(QWidget* parent)
    : QWidget(parent), m_schedule(new QComboBox(this)), m_params(new QWidget(this)),
      m_about(new QLabel(this)), m_plot(new SchedulePlot(this)) {
    m_schedule->setObjectName("schedule");
    for (const auto& [name, about] : listSchedules()) {
        m_schedule->addItem(QString::fromStdString(name));
        m_schedule->setItemData(m_schedule->count() - 1, QString::fromStdString(about),
                                Qt::ToolTipRole);
    }
    m_about->setWordWrap(true);
    m_about->setStyleSheet("color: #555");
    auto* form = new QFormLayout;
    form->addRow("Schedule", m_schedule);
    new QFormLayout(m_params);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_params);
    layout->addWidget(m_about);
    layout->addWidget(m_plot, 1);
    connect(m_schedule, &QComboBox::currentIndexChanged, this, [this] {
        if (m_loading) return;
        buildParameters(m_schedule->currentText().toStdString());
        Scene s;
        applyTo(s);
        m_plot->setSchedule(s.model.schedule);
        emit edited();
    });
}

void NoisePanel::buildParameters(const std::string& specText) {
    auto* form = static_cast<QFormLayout*>(m_params->layout());
    while (form->rowCount() > 0) form->removeRow(0);
    m_values.clear();
    ScheduleSpec spec;
    try {
        spec = parseScheduleSpec(specText);
    } catch (const std::exception&) {
        spec = parseScheduleSpec(m_schedule->currentText().toStdString());
    }
    const auto& params = scheduleParameters(spec.name);
    for (std::size_t i = 0; i < params.size(); ++i) {
        const ScheduleParameter& p = params[i];
        auto* box = new QDoubleSpinBox(m_params);
        box->setObjectName(QString::fromStdString("schedule_" + p.key));
        box->setDecimals(p.min < 0.01 ? 4 : 3);
        box->setRange(p.min, p.max);
        box->setValue(spec.values[i].second);
        box->setToolTip(
            QString("%1; default %2").arg(QString::fromStdString(p.about)).arg(p.defaultValue));
        form->addRow(QString::fromStdString(p.key), box);
        m_values.emplace_back(p.key, box);
        connect(box, &QDoubleSpinBox::editingFinished, this, [this] {
            if (m_loading) return;
            Scene s;
            applyTo(s);
            m_plot->setSchedule(s.model.schedule);
            emit edited();
        });
    }
    m_about->setText(QString::fromStdString(makeSchedule(formatScheduleSpec(spec))->describe()));
}

void NoisePanel::showScene(const Scene& s) {
    m_loading = true;
    try {
        m_schedule->setCurrentText(
            QString::fromStdString(parseScheduleSpec(s.model.schedule).name));
    } catch (const std::exception&) {
    }
    buildParameters(s.model.schedule);
    m_plot->setSchedule(s.model.schedule);
    m_loading = false;
}

void NoisePanel::applyTo(Scene& s) const {
    ScheduleSpec spec = parseScheduleSpec(m_schedule->currentText().toStdString());
    for (std::size_t i = 0; i < spec.values.size() && i < m_values.size(); ++i)
        spec.values[i].second = m_values[i].second->value();
    s.model.schedule = formatScheduleSpec(spec);
}

void NoisePanel::showGrid(std::vector<double> grid, double cursor) {
    m_plot->setGrid(std::move(grid));
    m_plot->setCursor(cursor);
}

} // namespace dfs::gui
