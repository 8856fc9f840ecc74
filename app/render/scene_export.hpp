// Exporting a scene's views: stills (PNG, SVG), animations (GIF, MP4) and PNG sequences (DIR/),
// rendered with the same renderers as the GUI. Shared by `diffuscope-cli render` and the GUI's
// export dialog. Frames follow the sampler run when a view that follows the run is shown
// (trajectories, density, samples, posterior), else they sweep the time cursor from t = 0 to 1.
#pragma once

#include "core/scene/scene.hpp"

#include <QSize>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace dfs {
class SceneEngine;
}

namespace dfs::render {

enum class ExportFormat { Png, Svg, Gif, Mp4, PngSequence };

/// The format for an output path: by extension (.png .svg .gif .mp4), or a folder ending in
/// '/'. Throws UsageError naming the extension otherwise.
ExportFormat exportFormatOf(const std::string& path);

struct ExportRequest {
    std::string out;
    std::vector<std::string> views{"trajectories"}; ///< registered view names
    QSize size{800, 800};
    std::optional<int> frames; ///< animation frames; default: every run frame or 60 for a sweep
    /// Animation range: run frames [first, last] when following the run (default: all), or
    /// the time cursor from first to last for a sweep (default 0 to 1; last < first sweeps
    /// backwards, from noise to data).
    std::optional<std::pair<double, double>> range;
    double fps = 20;
    double stillT = 0.5; ///< time of a chain or field still
    int stillFrame = -1; ///< run frame of a still (-1: the last)
    /// What an error calls each setting: the CLI's flags by default; the window passes the
    /// labels of its export dialog.
    struct Names {
        std::string size = "--size", frames = "--frames", range = "--range", fps = "--fps",
                    views = "--view", t = "--t";
    } names;
};

/// Thrown when the progress callback asks to stop; nothing is left under the target name.
struct ExportCancelled : std::runtime_error {
    ExportCancelled() : std::runtime_error("export cancelled") {}
};

struct ExportResult {
    int frames = 0;
    double seconds = 0;
};

/// Validates the request (UsageError naming the setting: size 16..8192, 1..100000 frames, fps in
/// (0, 120], 1..4 views, even size for MP4, a range inside the run or [0, 1]), records the run
/// as far as needed, renders (the caption gives the settings and each frame's t) and
/// writes atomically (each file; a PNG sequence that fails or is cancelled removes its frames,
/// and one that succeeds removes frame files beyond its own left by a longer earlier export).
/// `progress(done, total)` is called after each frame; returning false cancels
/// (ExportCancelled). Needs a QGuiApplication (fonts).
ExportResult exportScene(SceneEngine& engine, const ExportRequest& request,
                         const std::function<bool(int, int)>& progress = {});

} // namespace dfs::render
