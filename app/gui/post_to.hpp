// postTo: the one way the window hands work to a worker (SceneWorker, TrainWorker), each of which
// lives on its own thread: the call is queued on the worker's thread and the window returns at
// once, so the UI thread never computes or waits.
#pragma once

#include <QMetaObject>
#include <QObject>

#include <functional>
#include <utility>

namespace dfs::gui {

/// Calls std::invoke(f, target) later on target's thread (a queued call; dropped if target is
/// destroyed first). f is a member function of T or a callable taking T*.
template <class T, class F> void postTo(T* target, F f) {
    QMetaObject::invokeMethod(
        target, [target, f = std::move(f)] { std::invoke(f, target); }, Qt::QueuedConnection);
}

} // namespace dfs::gui
