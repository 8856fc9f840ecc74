// What the worker thread sends to the UI after every change: the four panes' content and the
// numbers the panels, inspector and status bar show. Immutable once sent.
#pragma once

#include "core/scene/scene.hpp"
#include "core/scene/view_data.hpp"
#include "core/scene/view_snapshot.hpp"

#include <QMetaType>
#include <QString>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace dfs::gui {

struct WorkerSnapshot {
    std::array<ViewSnapshot, 4> panes;
    Scene scene; ///< the scene as the worker holds it (after edits and branches)
    /// Bumped whenever the data, model or sampler settings change (a new scene, a branch), not
    /// by stepping, view changes or a backend switch: the panels refresh only then.
    std::uint64_t settingsRevision = 0;
    bool imageData = false;               ///< the data are images (image views), not 2-D points
    int frame = 0;                        ///< frame shown by the trajectories and density views
    int recordedFrames = 1;               ///< frames recorded so far
    int totalFrames = 1;                  ///< frames of the whole run
    double cursorT = 0.5;                 ///< the time cursor (chain and field views)
    TimeInfo frameTime;                   ///< schedule values at the shown frame
    long nfe = 0;                         ///< denoiser evaluations up to the shown frame
    QString backend;                      ///< the backend and its device
    std::vector<double> grid;             ///< the sampler's time grid
    std::optional<ParticleInfo> particle; ///< the selected particle (inspector)
    std::vector<float> data;              ///< data points (x, y pairs) for the posterior plot
    std::optional<GmmParams>
        mixture;          ///< the data's mixture, when they are one (2-D, not edited points)
    double computeMs = 0; ///< worker time spent on this snapshot
};

using SnapshotPtr = std::shared_ptr<const WorkerSnapshot>;

} // namespace dfs::gui

Q_DECLARE_METATYPE(dfs::gui::SnapshotPtr)
Q_DECLARE_METATYPE(dfs::Scene)
Q_DECLARE_METATYPE(dfs::SceneSampler)
