// The registered views: one entry per view with its name, the data it applies to, its clock
// (follows the run's frames or sweeps t), the builder that turns engine state into immutable view
// data, and the table it exports as CSV/JSON. Pane menus, `render --view`, scene files,
// `diffuscope-cli list` and File > Export data all read this list.
//
// Adding a view: a builder and its entry (a function `ViewInfo NAME()` in namespace dfs::views,
// in a file of its own under core/scene/views/), one line in view_registry.cpp's DFS_VIEWS, a
// renderer registered in app/render/view_renderer_registry.cpp, and a test.
#pragma once

#include "core/io/table_io.hpp"
#include "core/scene/view_snapshot.hpp"

#include <functional>
#include <string>
#include <vector>

namespace dfs {

class SceneEngine;

/// The data a view can show.
enum class ViewData { Points, Images, Both };
/// Whether an animation of the view follows the sampler's frames or sweeps the time cursor.
enum class ViewClock { FollowsRun, SweepsT };

/// Where a view is looked at: a recorded run frame and the time cursor.
struct ViewAt {
    int frame = 0;
    double t = 0;
};

struct ViewInfo {
    std::string name;    ///< the name in menus, scene files and `--view`
    std::string caption; ///< one line for `list` and tooltips
    ViewData appliesTo = ViewData::Points;
    ViewClock clock = ViewClock::SweepsT;
    /// Its data at `at` (UsageError where it cannot be built, e.g. a frame not recorded).
    std::function<ViewSnapshot(const SceneEngine&, ViewAt)> build;
    /// The table behind it (empty: the view has none).
    std::function<Table(const SceneEngine&, ViewAt)> table;
    /// The table's columns ("x,y,fx,fy"), for `list` and the export dialog; the table is taken
    /// at the shown frame (run views) or the time cursor (sweep views).
    std::string columns;

    bool followsRun() const { return clock == ViewClock::FollowsRun; }
    /// Whether it shows data of this kind (images, else 2-D points).
    bool fits(bool imageData) const {
        return appliesTo == ViewData::Both || (appliesTo == ViewData::Images) == imageData;
    }
};

/// Every view, in menu order.
const std::vector<ViewInfo>& viewRegistry();
/// The view named `name`; UsageError "unknown view 'x' (choose from chain, field, ...)".
const ViewInfo& findView(const std::string& name);
/// The names of every view, in menu order.
std::vector<std::string> viewNames();
/// "2-D", "images" or "both".
std::string viewDataName(ViewData data);
/// UsageError when the view does not show data of this kind ("the chain view shows 2-D points;
/// this scene's data are images").
void requireViewFits(const ViewInfo& view, bool imageData);

/// The view `name` at `frame` (run views) or time `t` (sweep views). UsageError for an unknown
/// view or one that does not fit the data.
ViewSnapshot makeSnapshot(const SceneEngine& engine, const std::string& name, int frame, double t);
/// The table behind the view `name` (see each view's `columns`); UsageError for a view without
/// one.
Table viewTable(const SceneEngine& engine, const std::string& name, int frame, double t);

} // namespace dfs
