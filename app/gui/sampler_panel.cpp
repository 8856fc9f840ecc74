// Sampler panel; each setting's tooltip names its paper's default.
#include "app/gui/sampler_panel.hpp"

#include "app/gui/glossary.hpp"
#include "core/samplers/sampler.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace dfs::gui {

SamplerPanel::SamplerPanel(QWidget* parent)
    : QWidget(parent), m_sampler(new QComboBox(this)), m_steps(new QSpinBox(this)),
      m_spacing(new QComboBox(this)), m_eta(new QDoubleSpinBox(this)),
      m_churn(new QDoubleSpinBox(this)), m_snr(new QDoubleSpinBox(this)),
      m_seed(new QSpinBox(this)), m_particles(new QSpinBox(this)) {
    m_sampler->setObjectName("sampler");
    for (const SamplerInfo& s : samplerRegistry()) {
        m_sampler->addItem(QString::fromStdString(s.name));
        m_sampler->setItemData(m_sampler->count() - 1, QString::fromStdString(s.description),
                               Qt::ToolTipRole);
    }
    m_steps->setObjectName("steps");
    m_steps->setRange(1, 2000);
    m_spacing->addItems({"(sampler default)", "uniform", "logsnr", "karras"});
    m_eta->setRange(0, 1);
    m_eta->setSingleStep(0.1);
    m_eta->setToolTip(glossaryMeaning("eta"));
    m_churn->setRange(0, 200);
    m_churn->setToolTip(glossaryMeaning("S_churn") + " Karras et al. 2022, Table 5: 40.");
    m_snr->setRange(0.001, 2);
    m_snr->setDecimals(3);
    m_snr->setSingleStep(0.01);
    m_snr->setToolTip("Langevin corrector signal-to-noise ratio (Song et al. 2021b: 0.16)");
    m_seed->setRange(0, 1'000'000'000);
    m_particles->setObjectName("particles");
    m_particles->setRange(1, int(kMaxSceneParticles));
    m_particles->setSingleStep(1000);
    m_particles->setToolTip("Interactive up to 100,000");
    auto* form = new QFormLayout;
    form->addRow("Sampler", m_sampler);
    form->addRow("Steps", m_steps);
    form->addRow("Time grid", m_spacing);
    form->addRow("eta (ddim)", m_eta);
    form->addRow("S_churn (edm-sde)", m_churn);
    form->addRow("snr (pc)", m_snr);
    form->addRow("Seed", m_seed);
    form->addRow("Particles", m_particles);
    auto* run = new QPushButton("Run from noise", this);
    m_run = run;
    run->setObjectName("runSampler");
    run->setToolTip("Restart the run from the prior with these settings");
    auto* branch = new QPushButton("Branch here", this);
    branch->setObjectName("branchSampler");
    branch->setToolTip(
        "Keep the frames so far and continue from the shown frame with these settings");
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(run);
    buttons->addWidget(branch);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    // Honest state: edited settings are not the run on screen until Run or Branch.
    m_stale = new QLabel("Changed: the panes still show the previous run. Press <b>Run from "
                         "noise</b> or <b>Branch here</b> to apply.",
                         this);
    m_stale->setObjectName("samplerStale");
    m_stale->setWordWrap(true);
    m_stale->setStyleSheet("color: #a05a00;");
    m_stale->setVisible(false);
    layout->addWidget(m_stale);
    layout->addStretch(1);
    connect(run, &QPushButton::clicked, this, &SamplerPanel::runRequested);
    connect(branch, &QPushButton::clicked, this, &SamplerPanel::branchRequested);
    connect(m_sampler, &QComboBox::currentIndexChanged, this, [this] { updateEnabled(); });
    connect(m_sampler, &QComboBox::currentIndexChanged, this, &SamplerPanel::updateStale);
    connect(m_spacing, &QComboBox::currentIndexChanged, this, &SamplerPanel::updateStale);
    for (QSpinBox* b : {m_steps, m_seed, m_particles})
        connect(b, &QSpinBox::valueChanged, this, &SamplerPanel::updateStale);
    for (QDoubleSpinBox* b : {m_eta, m_churn, m_snr})
        connect(b, &QDoubleSpinBox::valueChanged, this, &SamplerPanel::updateStale);
}

bool SamplerPanel::stale() const {
    Scene edited;
    edited.sampler = m_shown;
    applyTo(edited);
    const SceneSampler& a = edited.sampler;
    const SceneSampler& b = m_shown;
    return a.sampler != b.sampler || a.steps != b.steps || a.spacing != b.spacing ||
           a.options.eta != b.options.eta || a.options.churn != b.options.churn ||
           a.options.snr != b.options.snr || a.seed != b.seed || a.particles != b.particles;
}

void SamplerPanel::updateStale() {
    const bool on = stale();
    m_stale->setVisible(on);
    QFont f = m_run->font();
    f.setBold(on);
    m_run->setFont(f);
}

void SamplerPanel::updateEnabled() {
    const QString s = m_sampler->currentText();
    m_eta->setEnabled(s == "ddim");
    m_churn->setEnabled(s == "edm-sde");
    m_snr->setEnabled(s == "pc");
}

void SamplerPanel::showScene(const Scene& scene) {
    const SceneSampler& s = scene.sampler;
    m_sampler->setCurrentText(QString::fromStdString(s.sampler));
    m_steps->setValue(s.steps);
    m_spacing->setCurrentIndex(
        s.spacing.empty() ? 0 : m_spacing->findText(QString::fromStdString(s.spacing)));
    m_eta->setValue(s.options.eta);
    m_churn->setValue(s.options.churn);
    m_snr->setValue(s.options.snr);
    m_seed->setValue(int(std::min<std::uint64_t>(s.seed, 1'000'000'000)));
    m_particles->setValue(int(s.particles));
    updateEnabled();
    m_shown = s;
    // What the spin boxes could hold (e.g. a seed clamped for display) is what the run shows.
    Scene shown;
    shown.sampler = s;
    applyTo(shown);
    m_shown = shown.sampler;
    updateStale();
}

void SamplerPanel::applyTo(Scene& scene) const {
    SceneSampler& s = scene.sampler;
    s.sampler = m_sampler->currentText().toStdString();
    s.steps = m_steps->value();
    s.spacing = m_spacing->currentIndex() == 0 ? "" : m_spacing->currentText().toStdString();
    s.options.eta = m_eta->value();
    s.options.churn = m_churn->value();
    s.options.snr = m_snr->value();
    s.seed = std::uint64_t(m_seed->value());
    s.particles = m_particles->value();
}

} // namespace dfs::gui
