// The Data panel's mixture table: the components of a Gaussian mixture dataset (gmm8, gmm25, a
// gmm:FILE.json or one edited here) with their mean, spread and weight, editable in place, and
// the switch that points the editing tools at the components instead of the points.
#pragma once

#include "core/datasets/point_set.hpp"

#include <QGroupBox>
#include <optional>

class QCheckBox;
class QTableWidget;

namespace dfs::gui {

class MixturePanel : public QGroupBox {
    Q_OBJECT
public:
    explicit MixturePanel(QWidget* parent = nullptr);
    /// Shows the data's mixture (hidden when the data is not one), without signals.
    void showMixture(const std::optional<GmmParams>& mixture);
    /// Whether the editing tools act on the components (checked) or the points.
    bool editingComponents() const;
    const std::optional<GmmParams>& mixture() const { return m_mixture; }
    QTableWidget* table() const { return m_table; }

signals:
    /// A component's mean, spread or weight was typed in.
    void mixtureEdited(const dfs::GmmParams& mixture);

private:
    void cellEdited(int row, int column);
    QCheckBox* m_components;
    QTableWidget* m_table;
    std::optional<GmmParams> m_mixture;
    bool m_loading = false;
};

} // namespace dfs::gui
