// `diffuscope-cli bench --workload render` (builds with the Qt layer): the GUI's responsiveness
// figures and the export speed, on the renderers the window and the exporter use.
//  - frame: the four panes of the default layout (chain, field, trajectories, density), each
//    640x440 as in a 1400x900 window, with 20,000 particles and a 32x32 arrow field;
//  - t change: recomputing and redrawing the chain and field panes for a new time cursor, with
//    the exact and with the ideal denoiser (2,000 training points);
//  - gif: a 200-frame 512x512 GIF of the trajectories view of 5,000 particles, written whole.
#include "app/cli/command.hpp"
#include "app/render/composite.hpp"
#include "app/render/scene_export.hpp"
#include "core/backend/backend.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_registry.hpp"

#include <QGuiApplication>
#include <QTemporaryDir>
#include <algorithm>
#include <chrono>
#include <fmt/format.h>

namespace dfs::cli {

namespace {

template <typename F> double medianMs(int repeat, F&& work) {
    work();
    std::vector<double> ms;
    for (int r = 0; r < repeat; ++r) {
        const auto start = std::chrono::steady_clock::now();
        work();
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count());
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

void paint(const std::vector<ViewSnapshot>& panes, QImage& img) {
    QPainter p(&img);
    const QSizeF pane(img.width() / 2.0, img.height() / 2.0);
    render::ViewStyle style;
    style.fontPx = render::fontForHeight(pane.height());
    for (std::size_t k = 0; k < panes.size(); ++k)
        render::renderView(p,
                           QRectF(QPointF((k % 2) * pane.width(), (k / 2) * pane.height()), pane),
                           panes[k], style);
}

} // namespace

void benchRender(int threads, int repeat) {
    const auto app = headlessGuiApplication();
    auto backend = makeBackend("cpu", threads);

    Scene s;
    s.sampler.particles = 20000;
    s.view.fieldGrid = 32;
    SceneEngine engine(s, *backend);
    engine.runToEnd();
    const int last = engine.recordedFrames() - 1;
    std::vector<ViewSnapshot> panes;
    for (const std::string& v : s.view.panes)
        panes.push_back(makeSnapshot(engine, v, last, s.view.t));
    QImage img(1280, 880, QImage::Format_ARGB32_Premultiplied);
    const double frameMs = medianMs(repeat, [&] { paint(panes, img); });
    fmt::print("bench render frame: 4 panes of 640x440, 20000 particles, 32x32 arrows | "
               "device=\"{}\" median_ms={:.2f} fps={:.1f}\n",
               backend->device(), frameMs, 1000.0 / frameMs);

    for (const char* model : {"exact", "ideal"}) {
        Scene m = s;
        m.model.denoiser = model;
        m.sampler.steps = 2;
        SceneEngine e(m, *backend);
        double t = 0.2;
        QImage two(1280, 440, QImage::Format_ARGB32_Premultiplied);
        const double tMs = medianMs(repeat, [&] {
            t = t > 0.8 ? 0.2 : t + 0.1;
            paint({makeSnapshot(e, "chain", 0, t), makeSnapshot(e, "field", 0, t)}, two);
        });
        fmt::print("bench render t-change: chain + field recomputed and drawn, {} denoiser, "
                   "2000 gmm8 points | median_ms={:.2f}\n",
                   model, tMs);
    }

    Scene g;
    g.sampler.particles = 5000;
    g.sampler.steps = 199;
    SceneEngine ge(g, *backend);
    QTemporaryDir dir;
    render::ExportRequest r;
    r.out = (dir.path() + "/bench.gif").toStdString();
    r.size = QSize(512, 512);
    r.frames = 200;
    ge.runToEnd();
    const render::ExportResult res = render::exportScene(ge, r);
    fmt::print("bench render gif: 200 frames 512x512, trajectories of 5000 particles (heun 199 "
               "steps, recorded before) | seconds={:.2f} frames_per_s={:.1f}\n",
               res.seconds, res.frames / res.seconds);
}

} // namespace dfs::cli
