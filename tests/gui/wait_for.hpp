// waitFor: the GUI tests' one way to wait for the window (its workers answer on other threads).
#pragma once

#include <QElapsedTimer>
#include <QTest>

namespace dfs::gui::test {

/// Processes events until `done()` holds; false after `ms` milliseconds.
template <typename F> bool waitFor(F done, int ms = 60000) {
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > ms) return false;
        QTest::qWait(20);
    }
    return true;
}

} // namespace dfs::gui::test
