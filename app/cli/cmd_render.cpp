// `diffuscope-cli render`: renders a saved scene (or a scene built from sample flags) with the
// GUI's renderers to a still (PNG, SVG), an animation (GIF, MP4) or a PNG sequence (DIR/); see
// app/render/scene_export.hpp for which frames are drawn. A .csv or .json output gets the data
// behind the view instead (its table in core/scene/view_registry.hpp).
#include "app/cli/command.hpp"
#include "app/cli/model_options.hpp"
#include "app/render/scene_export.hpp"
#include "core/backend/backend.hpp"
#include "core/datasets/image_datasets.hpp"
#include "core/errors.hpp"
#include "core/perspectives/perspective.hpp"
#include "core/scene/builtin_scenes.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/scene_io.hpp"
#include "core/scene/view_registry.hpp"

#include <CLI/App.hpp>
#include <QGuiApplication>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <memory>
#include <optional>
#include <unistd.h>

namespace dfs::cli {

namespace {

struct RenderOptions {
    std::string scene, perspective, views = "trajectories", size = "800x800", out, backend = "cpu";
    ModelOptions model; // sample flags, used when no --scene is given
    std::string sampler = "heun";
    int steps = 50;
    long n = 2000;
    std::uint64_t seed = 0;
    std::optional<int> frames, frame;
    std::string range;
    std::optional<double> t;
    double fps = 20;
    int threads = 0;
};

QSize parseSize(const std::string& s) {
    int w = 0, h = 0;
    char x = 0, extra = 0;
    if (std::sscanf(s.c_str(), "%d%c%d%c", &w, &x, &h, &extra) != 3 || (x != 'x' && x != 'X'))
        throw UsageError(fmt::format("--size must look like 800x600 (got '{}')", s));
    return {w, h};
}

std::vector<std::string> parseViews(const std::string& list) {
    std::vector<std::string> views;
    std::size_t start = 0;
    while (start <= list.size()) {
        const std::size_t comma = std::min(list.find(',', start), list.size());
        try {
            views.push_back(findView(list.substr(start, comma - start)).name);
        } catch (const UsageError& e) {
            throw UsageError(fmt::format("--view: {}", e.what()));
        }
        start = comma + 1;
    }
    return views;
}

Scene sceneFromFlags(const RenderOptions& o) {
    if (o.model.dataset.empty())
        throw UsageError("give --scene, or --dataset and the sample flags");
    Scene s;
    s.data.dataset = o.model.dataset;
    s.data.n = o.model.dataN;
    s.data.noise = datasetNoise(o.model.dataNoise);
    s.data.seed = o.model.dataSeed;
    s.data.resolution = o.model.resolution;
    s.model.denoiser = o.model.denoiser.empty() ? "ideal" : o.model.denoiser; // works on any data
    s.model.schedule = o.model.schedule;
    s.model.label = o.model.label;
    s.model.guidance = o.model.guidance;
    s.model.denoiserBelow = o.model.denoiserBelow;
    s.model.sigmaSplit = o.model.sigmaSplit;
    s.sampler.sampler = o.sampler;
    s.sampler.steps = o.steps;
    s.sampler.particles = o.n;
    s.sampler.seed = o.seed;
    try {
        validateScene(s);
    } catch (const UsageError& e) {
        throw UsageError(fmt::format("{} (from the sample flags)", e.what()));
    }
    return s;
}

void progressBar(int done, int total) {
    if (!isatty(2)) return;
    const int width = 30, filled = total ? width * done / total : width;
    fmt::print(stderr, "\r[{}{}] {}/{} frames", std::string(std::size_t(filled), '#'),
               std::string(std::size_t(width - filled), ' '), done, total);
    if (done == total) fmt::print(stderr, "\n");
}

void runRender(const RenderOptions& o) {
    const bool data = isTablePath(o.out);
    render::ExportRequest r;
    r.out = o.out;
    if (!data) render::exportFormatOf(o.out); // an unknown extension fails before any work
    if (!o.perspective.empty() && data)
        throw UsageError("--perspective lays out four views; a .csv or .json holds one view's "
                         "data (give --view instead)");
    r.views = parseViews(o.views);
    r.size = parseSize(o.size);
    r.frames = o.frames;
    if (!o.range.empty()) {
        double a = 0, b = 0;
        char colon = 0, extra = 0;
        if (std::sscanf(o.range.c_str(), "%lf%c%lf%c", &a, &colon, &b, &extra) != 3 || colon != ':')
            throw UsageError(fmt::format("--range must look like A:B (got '{}')", o.range));
        requireFinite("--range", a);
        requireFinite("--range", b);
        r.range = {{a, b}};
    }
    requireFinite("--fps", o.fps);
    r.fps = o.fps;
    if (!o.scene.empty() && !o.model.dataset.empty())
        throw UsageError("give either --scene or --dataset (with the sample flags), not both");
    Scene scene;
    if (!o.perspective.empty()) {
        // The perspective's layout on the given model, or on its own guided preset.
        const Perspective& p = findPerspective(o.perspective);
        if (o.scene.empty() && o.model.dataset.empty())
            scene = builtinScene(p.preset);
        else
            scene = o.scene.empty() ? sceneFromFlags(o) : loadScene(o.scene);
        const bool images = !scene.data.points && isImageDataset(scene.data.dataset);
        if (!images && !p.pointsNote.empty())
            fmt::print(stderr, "note: {}: {}\n", p.title, p.pointsNote);
        applyPerspective(scene, p, images);
        r.views.assign(scene.view.panes.begin(), scene.view.panes.end());
    } else {
        scene = o.scene.empty() ? sceneFromFlags(o) : loadScene(o.scene);
    }
    r.stillT = scene.view.t;
    r.stillFrame = scene.view.frame;
    if (o.t) {
        requireFinite("--t", *o.t);
        r.stillT = *o.t;
    }
    if (o.frame) r.stillFrame = *o.frame;
    auto backend = makeBackend(o.backend, o.threads);
    // A bad name inside a scene file (dataset, denoiser, schedule, sampler) is bad data in that
    // file, not a bad flag: exit 1, naming the file.
    const auto makeEngine = [&]() -> std::unique_ptr<SceneEngine> {
        if (o.scene.empty()) return std::make_unique<SceneEngine>(scene, *backend);
        try {
            return std::make_unique<SceneEngine>(scene, *backend);
        } catch (const UsageError& e) {
            throw DataError(fmt::format("{}: {}", o.scene, e.what()));
        }
    };
    const std::unique_ptr<SceneEngine> enginePtr = makeEngine();
    SceneEngine& engine = *enginePtr;
    if (data) {
        // The data behind one view instead of its picture.
        if (r.views.size() != 1) throw UsageError("--view: a .csv or .json holds one view's data");
        if (!(r.stillT >= 0 && r.stillT <= 1))
            throw UsageError(fmt::format("--t must be in [0, 1] (got {})", r.stillT));
        // Only views that follow the run need it recorded.
        const int last = findView(r.views[0]).followsRun() ? engine.totalFrames() - 1 : 0;
        const int frame = r.stillFrame < 0 || r.stillFrame > last ? last : r.stillFrame;
        engine.recordFrames(frame + 1);
        const Table table = viewTable(engine, r.views[0], frame, r.stillT);
        writeTable(o.out, table);
        fmt::print("wrote {} rows of {} ({}) to {}\n", table.rows.rows(), o.views,
                   fmt::join(table.columns, ","), o.out);
        return;
    }
    const render::ExportResult res = render::exportScene(engine, r, [](int done, int total) {
        progressBar(done, total);
        return true;
    });
    fmt::print("rendered {} frame{} of {} at {}x{} in {:.2f} s; wrote {}\n", res.frames,
               res.frames == 1 ? "" : "s", fmt::join(r.views, ","), r.size.width(), r.size.height(),
               res.seconds, o.out);
}

} // namespace

std::unique_ptr<QGuiApplication> headlessGuiApplication() {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    // Qt's note that XDG_RUNTIME_DIR is unset says nothing to a command-line user: keep stderr
    // for our own messages.
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext&, const QString& msg) {
        if (type != QtDebugMsg && !msg.startsWith("QStandardPaths:"))
            fmt::print(stderr, "diffuscope-cli: Qt: {}\n", msg.toStdString());
    });
    static int argc = 1;
    static char name[] = "diffuscope-cli";
    static char* argv[] = {name, nullptr};
    return std::make_unique<QGuiApplication>(argc, argv);
}

Command addRenderCommand(CLI::App& app) {
    auto o = std::make_shared<RenderOptions>();
    CLI::App* cmd = app.add_subcommand(
        "render", "render a scene's views to PNG, SVG, GIF, MP4 or a PNG sequence (DIR/)");
    cmd->add_option("--scene", o->scene, "scene file saved by the GUI (JSON)");
    addModelOptions(*cmd, o->model, false);
    cmd->add_option("--sampler", o->sampler, "sampler (without --scene)")->capture_default_str();
    cmd->add_option("--steps", o->steps, "steps (without --scene)")->capture_default_str();
    cmd->add_option("--n", o->n, "particles (without --scene)")->capture_default_str();
    addSeedOption(*cmd, "--seed", o->seed, "sampler seed (without --scene)");
    CLI::Option* perspective =
        cmd->add_option("--perspective", o->perspective,
                        "lay out the four views of a perspective (see 'list'): on the --scene or "
                        "sample flags' model, or else on the perspective's guided preset");
    CLI::Option* view =
        cmd->add_option(
               "--view", o->views,
               "view, or up to 4 comma-separated views in one image (four on a landscape "
               "size are 2 x 2): e.g. chain, field, trajectories, density, score, sde-fan, "
               "flow-mesh (2-D data); filmstrip, samples, spectrum, posterior (images); "
               "'list' names every view")
            ->capture_default_str();
    perspective->excludes(view);
    cmd->add_option("--frames", o->frames,
                    "animation frames (default: every sampler frame, or 60 for a t sweep)");
    cmd->add_option("--range", o->range,
                    "animation range A:B: run frames (trajectories, density), or times of the t "
                    "sweep (chain, field; 1:0 runs from noise to data)");
    cmd->add_option("--t", o->t, "time of a chain or field still (default: the scene's)");
    cmd->add_option("--frame", o->frame, "sampler frame of a still (default: the last)");
    cmd->add_option("--size", o->size, "image size WxH")->capture_default_str();
    cmd->add_option("--fps", o->fps, "animation frame rate")->capture_default_str();
    cmd->add_option("--backend", o->backend, "compute backend (see 'list')")->capture_default_str();
    cmd->add_option("--threads", o->threads, "CPU threads (0 = one per core)")
        ->capture_default_str();
    cmd->add_option("--out", o->out,
                    "F.png, F.svg, F.gif, F.mp4, DIR/ (PNG frames), or F.csv / F.json (the view's "
                    "data: chain x,y; field x,y,fx,fy; trajectories step,t,particle,x,y; "
                    "density and samples x,y or p0..; spectrum frequency,data,...)")
        ->required();
    return {cmd, [o] {
                // Text and images need a QGuiApplication; headless, on the offscreen platform.
                const auto qapp = headlessGuiApplication();
                runRender(*o);
            }};
}

} // namespace dfs::cli
