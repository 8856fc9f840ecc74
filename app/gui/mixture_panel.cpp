// The mixture table.
#include "app/gui/mixture_panel.hpp"

#include "app/gui/mixture_editor.hpp"

#include <QCheckBox>
#include <QHeaderView>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

namespace dfs::gui {

MixturePanel::MixturePanel(QWidget* parent)
    : QGroupBox("Mixture components", parent),
      m_components(new QCheckBox("Tools edit the components", this)),
      m_table(new QTableWidget(0, 4, this)) {
    setObjectName("mixturePanel");
    setToolTip(
        "The data are a Gaussian mixture with its exact denoiser: change a component's mean, "
        "spread or weight here, or with the tools in a chain pane (Add a component, Move "
        "its mean, Brush to resize, Delete); the exact denoiser follows every edit");
    m_components->setObjectName("editComponents");
    m_components->setToolTip(
        "Checked: Add, Brush (resize), Move and Delete act on the mixture's "
        "components and keep the exact denoiser. Unchecked: they edit points.");
    m_table->setObjectName("mixtureTable");
    m_table->setHorizontalHeaderLabels({"mean x", "mean y", "spread", "weight"});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->setDefaultSectionSize(20);
    m_table->setMinimumHeight(120);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_components);
    layout->addWidget(m_table);
    connect(m_table, &QTableWidget::cellChanged, this, &MixturePanel::cellEdited);
    setVisible(false);
}

void MixturePanel::showMixture(const std::optional<GmmParams>& mixture) {
    m_mixture = mixture;
    const bool show = mixture && mixture->dim() == 2;
    setVisible(show);
    if (!show) return;
    m_loading = true;
    m_table->setRowCount(mixture->size());
    for (int k = 0; k < mixture->size(); ++k) {
        const auto c = std::size_t(k);
        const double values[4] = {mixture->means[c][0], mixture->means[c][1],
                                  componentSpread(mixture->covs[c]), mixture->weights[c]};
        for (int col = 0; col < 4; ++col)
            m_table->setItem(k, col,
                             new QTableWidgetItem(QString::number(
                                 std::abs(values[col]) < 1e-9 ? 0.0 : values[col], 'g', 4)));
    }
    m_loading = false;
}

bool MixturePanel::editingComponents() const {
    return isVisible() && m_components->isChecked();
}

void MixturePanel::cellEdited(int row, int column) {
    if (m_loading || !m_mixture || row >= m_mixture->size()) return;
    bool ok = false;
    const double v = m_table->item(row, column)->text().toDouble(&ok);
    GmmParams g = *m_mixture;
    const auto k = std::size_t(row);
    // A value that is no number, or a spread or weight below 0, is put back as it was.
    if (!ok || !std::isfinite(v) || (column >= 2 && v < 0)) {
        showMixture(m_mixture);
        return;
    }
    if (column < 2) g.means[k][column] = v;
    if (column == 2) g.covs[k] = withSpread(g.covs[k], std::max(v, 1e-3));
    if (column == 3) {
        // The typed weight is the component's share; the others share the rest as before.
        const double share = std::min(v, 1.0), rest = 1.0 - g.weights[k];
        for (std::size_t j = 0; j < g.weights.size(); ++j)
            g.weights[j] = j == k ? share
                                  : (rest > 0 ? g.weights[j] * (1.0 - share) / rest
                                              : (1.0 - share) / double(g.size() - 1));
        if (g.size() == 1) g.weights[0] = 1.0;
    }
    emit mixtureEdited(g);
}

} // namespace dfs::gui
