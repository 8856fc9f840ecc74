// Several views in one image (a grid of near-square panes), and stills written atomically as PNG or
// SVG.
#pragma once

#include "app/render/view_renderers.hpp"

#include <QImage>
#include <QSize>
#include <string>
#include <vector>

namespace dfs::render {

/// Panes in columns x rows (no empty cell; the panes as near square as `size` allows: four
/// views on a landscape page are 2 x 2); font size scales with a pane's height.
void paintPanes(QPainter& p, const QSize& size, const std::vector<ViewSnapshot>& panes,
                const QString& caption);

/// The panes rendered into an ARGB32 image of `size`.
QImage renderPanes(const QSize& size, const std::vector<ViewSnapshot>& panes,
                   const QString& caption);

/// Writes a PNG atomically. Throws DataError naming the path on failure.
void savePng(const std::string& path, const QImage& image);
/// Writes the panes as an SVG atomically (vector shapes; heat maps as embedded images).
void saveSvg(const std::string& path, const QSize& size, const std::vector<ViewSnapshot>& panes,
             const QString& caption);

/// Font size for a pane of this height: readable from 240 to 2000 pixels.
double fontForHeight(double height);

} // namespace dfs::render
