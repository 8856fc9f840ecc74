// The Perspectives panel: the eight ways of seeing one diffusion model (core/perspectives/), each
// with its explanation, key equation and what to look at; "Show me" lays out its panes on the
// current model, "Guided preset" opens the scene that makes its point, and the tour walks through
// the eight presets in order. It also shows the open scene's own title and notes.
#pragma once

#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;

namespace dfs::gui {

class PerspectivesPanel : public QWidget {
    Q_OBJECT
public:
    explicit PerspectivesPanel(QWidget* parent = nullptr);

    /// Which layout's guide to show (images or 2-D points).
    void setImageData(bool images);
    /// The open scene's title and notes ("" for a scene without them).
    void setSceneAbout(const QString& title, const QString& about);
    /// Selects perspective `index` (0..7) in the list and shows its text.
    void select(int index);
    int current() const;
    /// The tour's position (-1: not touring).
    int tourStep() const { return m_tour; }
    /// Starts the tour at the first perspective, or moves it by `delta` (clamped to 0..7;
    /// nothing happens at either end).
    void startTour();
    void moveTour(int delta);
    /// The text shown for the selected perspective (tests read it).
    QString shownText() const;

signals:
    /// Lay out perspective `name` on the current model.
    void showMe(const QString& name);
    /// Open perspective `name`'s guided preset.
    void openPreset(const QString& name);

private:
    void refresh();

    QListWidget* m_list;
    QLabel *m_intro, *m_title, *m_claim, *m_explanation, *m_equation, *m_guide, *m_note, *m_source,
        *m_scene, *m_tourLabel;
    QPushButton *m_showMe, *m_preset, *m_tourStart, *m_back, *m_next;
    bool m_images = false;
    int m_tour = -1;
};

} // namespace dfs::gui
