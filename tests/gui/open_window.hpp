// openTestWindow: the GUI tests' one way to open the main window (as a user sees it, but with
// questions answered by the tests, not by modal dialogs).
#pragma once

#include "app/gui/main_window.hpp"
#include "wait_for.hpp"

#include <QSize>
#include <memory>

namespace dfs::gui::test {

/// A non-interactive MainWindow shown at `size` once its first snapshot has been drawn; nullptr
/// if none came within waitFor's time.
inline std::unique_ptr<MainWindow> openTestWindow(QSize size) {
    auto w = std::make_unique<MainWindow>();
    w->setInteractive(false);
    w->resize(size);
    w->show();
    if (!waitFor([&] { return w->snapshot() != nullptr; })) return nullptr;
    return w;
}

} // namespace dfs::gui::test
