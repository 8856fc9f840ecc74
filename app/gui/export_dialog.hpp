// The export dialog: which panes (side by side), the file (its extension picks PNG, SVG, GIF,
// MP4, or a folder of PNG frames), the size, frame rate, frame count and range. It only collects
// the request; the worker renders it with progress and cancel.
#pragma once

#include "app/render/scene_export.hpp"

#include <QDialog>
#include <array>

class QCheckBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace dfs::gui {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    /// `panes`: the views the four panes show now; `frames`: the run's frame count.
    ExportDialog(const std::array<std::string, 4>& panes, int frames, QWidget* parent = nullptr);
    /// The request as filled in (valid after exec() returned Accepted).
    render::ExportRequest request() const;

private:
    void browse();
    void check();
    std::array<std::string, 4> m_kinds;
    std::array<QCheckBox*, 4> m_panes{};
    QLineEdit* m_path;
    QSpinBox *m_width, *m_height, *m_frames;
    QDoubleSpinBox *m_fps, *m_from, *m_to;
    int m_runFrames;
};

} // namespace dfs::gui
