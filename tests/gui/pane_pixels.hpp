// What a pane paints, for the window tests: its canvas as an image, and how much of it changed.
#pragma once

#include "app/gui/main_window.hpp"
#include "app/gui/view_pane.hpp"

#include <QImage>
#include <QRect>

namespace dfs::gui::test {

inline QImage paneImage(MainWindow& w, int pane) {
    return w.pane(pane)->canvas()->grab().toImage();
}

/// Fraction of pixels that differ between two images of the same size inside `rect`.
inline double changed(const QImage& a, const QImage& b, QRect rect) {
    rect = rect.intersected(a.rect());
    long diff = 0;
    for (int y = rect.top(); y <= rect.bottom(); ++y)
        for (int x = rect.left(); x <= rect.right(); ++x) diff += a.pixel(x, y) != b.pixel(x, y);
    return double(diff) / double(rect.width() * rect.height());
}

} // namespace dfs::gui::test
