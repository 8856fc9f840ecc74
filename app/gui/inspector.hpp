// The inspector: the selected particle's t, x, x0_hat, eps_hat and score, and for the ideal
// denoiser its posterior weights over the training points, drawn on the data.
#pragma once

#include "app/gui/worker_snapshot.hpp"

#include <QWidget>

class QLabel;

namespace dfs::gui {

class PosteriorPlot : public QWidget {
public:
    explicit PosteriorPlot(QWidget* parent = nullptr);
    void setData(SnapshotPtr snapshot);
    QSize sizeHint() const override { return {240, 240}; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    SnapshotPtr m_snapshot;
};

class Inspector : public QWidget {
    Q_OBJECT
public:
    explicit Inspector(QWidget* parent = nullptr);
    void showSnapshot(SnapshotPtr snapshot);
    /// The text of the values (tests read it).
    QString valuesText() const;

private:
    QLabel* m_values;
    PosteriorPlot* m_posterior;
};

} // namespace dfs::gui
