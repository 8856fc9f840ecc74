// Scene export: frame plan, rendering and the writers.
#include "app/render/scene_export.hpp"

#include "app/export/animation_writer.hpp"
#include "app/render/composite.hpp"
#include "core/errors.hpp"
#include "core/io/file_names.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_registry.hpp"

#include <QString>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>

namespace dfs::render {

namespace {

constexpr int kMaxFrames = 100000;

/// Run frames and cursor times of each output frame (time < 0: the frame's own time).
struct Plan {
    std::vector<int> frames;
    std::vector<double> times;
};

Plan planFrames(const SceneEngine& engine, const ExportRequest& r, bool still) {
    const bool followsRun = std::any_of(r.views.begin(), r.views.end(), [](const std::string& v) {
        return findView(v).followsRun();
    });
    // Views that sweep t do not need the run: only the frames already recorded count.
    const int total = followsRun ? engine.totalFrames() : engine.recordedFrames();
    Plan plan;
    if (still) {
        plan.frames = {r.stillFrame < 0 || r.stillFrame >= total ? total - 1 : r.stillFrame};
        plan.times = {followsRun ? -1.0 : r.stillT};
        return plan;
    }
    const auto [first, last] =
        r.range.value_or(followsRun ? std::pair{0.0, double(total - 1)} : std::pair{0.0, 1.0});
    const double top = followsRun ? total - 1 : 1.0;
    if (!(first >= 0 && first <= top && last >= 0 && last <= top) ||
        (followsRun && (first != std::floor(first) || last != std::floor(last) || last < first)))
        throw UsageError(followsRun ? fmt::format("{} must be frames A:B with 0 <= A <= B <= {} "
                                                  "(got {}:{})",
                                                  r.names.range, total - 1, first, last)
                                    : fmt::format("{} must be times A:B in [0, 1] (got {}:{})",
                                                  r.names.range, first, last));
    const int span = int(std::lround(last - first)) + 1;
    const int n = r.frames.value_or(followsRun ? span : 60);
    if (n < 1 || n > kMaxFrames)
        throw UsageError(
            fmt::format("{} must be in [1, {}] (got {})", r.names.frames, kMaxFrames, n));
    for (int k = 0; k < n; ++k) {
        const double u = n == 1 ? 1.0 : double(k) / (n - 1);
        const double at = first + u * (last - first);
        plan.frames.push_back(followsRun ? int(std::lround(at)) : total - 1);
        plan.times.push_back(followsRun ? -1.0 : at);
    }
    return plan;
}

std::vector<ViewSnapshot> snapshots(const SceneEngine& engine,
                                    const std::vector<std::string>& views, int frame, double t) {
    if (t < 0) t = engine.frame(frame)->t;
    std::vector<ViewSnapshot> out;
    for (const std::string& v : views) out.push_back(makeSnapshot(engine, v, frame, t));
    return out;
}

RgbaImage toRgba(const QImage& img) {
    const QImage c = img.convertToFormat(QImage::Format_RGBA8888);
    RgbaImage r;
    r.width = c.width();
    r.height = c.height();
    r.pixels.resize(std::size_t(4) * r.width * r.height);
    for (int y = 0; y < r.height; ++y)
        std::copy_n(c.constScanLine(y), 4 * r.width,
                    r.pixels.data() + std::size_t(4) * r.width * y);
    return r;
}

void validate(const ExportRequest& r, ExportFormat format) {
    const int w = r.size.width(), h = r.size.height();
    if (w < kMinAnimationSide || h < kMinAnimationSide || w > kMaxAnimationSide ||
        h > kMaxAnimationSide)
        throw UsageError(fmt::format("{} {}x{} is outside {}..{} pixels per side", r.names.size, w,
                                     h, kMinAnimationSide, kMaxAnimationSide));
    if (!(r.fps > 0 && r.fps <= kMaxAnimationFps))
        throw UsageError(
            fmt::format("{} must be in (0, {}] (got {})", r.names.fps, kMaxAnimationFps, r.fps));
    if (r.views.empty() || r.views.size() > 4)
        throw UsageError(fmt::format("{}: give 1 to 4 views", r.names.views));
    if (format == ExportFormat::Mp4 && (w % 2 || h % 2))
        throw UsageError(
            fmt::format("{} {}x{}: MP4 needs an even width and height", r.names.size, w, h));
    if (!(r.stillT >= 0 && r.stillT <= 1))
        throw UsageError(fmt::format("{} must be in [0, 1] (got {})", r.names.t, r.stillT));
}

} // namespace

ExportFormat exportFormatOf(const std::string& out) {
    if (!out.empty() && out.back() == '/') return ExportFormat::PngSequence;
    const std::string ext = lowercaseExtension(out);
    if (ext == ".png") return ExportFormat::Png;
    if (ext == ".svg") return ExportFormat::Svg;
    if (ext == ".gif") return ExportFormat::Gif;
    if (ext == ".mp4") return ExportFormat::Mp4;
    throw UsageError(fmt::format("{}: unknown extension '{}' (use .png, .svg, .gif, .mp4 or a "
                                 "folder ending in /)",
                                 out, ext));
}

ExportResult exportScene(SceneEngine& engine, const ExportRequest& r,
                         const std::function<bool(int, int)>& progress) {
    const ExportFormat format = exportFormatOf(r.out);
    validate(r, format);
    const bool still = format == ExportFormat::Png || format == ExportFormat::Svg;
    const Plan plan = planFrames(engine, r, still);
    const int lastFrame = *std::max_element(plan.frames.begin(), plan.frames.end());
    engine.recordFrames(lastFrame + 1);
    const QString settings = QString::fromStdString(sceneCaption(engine.scene()));
    auto caption = [&](std::size_t k) {
        const double t = plan.times[k] < 0 ? engine.frame(plan.frames[k])->t : plan.times[k];
        return settings + QString(", t = %1").arg(t, 0, 'g', 4);
    };
    const auto start = std::chrono::steady_clock::now();
    const int n = int(plan.frames.size());
    if (format == ExportFormat::Svg) {
        saveSvg(r.out, r.size, snapshots(engine, r.views, plan.frames[0], plan.times[0]),
                caption(0));
    } else if (format == ExportFormat::Png) {
        savePng(r.out,
                renderPanes(r.size, snapshots(engine, r.views, plan.frames[0], plan.times[0]),
                            caption(0)));
    } else {
        std::unique_ptr<AnimationWriter> writer;
        bool createdFolder = false; // removed again if the sequence does not finish
        if (format == ExportFormat::PngSequence) {
            std::error_code ec;
            createdFolder = std::filesystem::create_directories(r.out, ec);
            if (ec)
                throw DataError(
                    fmt::format("{}: cannot create the folder ({})", r.out, ec.message()));
        } else {
            writer = makeAnimationWriter(r.out, r.size.width(), r.size.height(), r.fps);
        }
        auto frameName = [&](int k) { return fmt::format("{}frame_{:05d}.png", r.out, k); };
        int written = 0;
        try {
            for (int k = 0; k < n; ++k) {
                const QImage img =
                    renderPanes(r.size,
                                snapshots(engine, r.views, plan.frames[std::size_t(k)],
                                          plan.times[std::size_t(k)]),
                                caption(std::size_t(k)));
                if (writer) {
                    writer->addFrame(toRgba(img));
                } else {
                    savePng(frameName(k), img);
                    written = k + 1;
                }
                if (progress && !progress(k + 1, n)) throw ExportCancelled();
            }
            if (writer) writer->finish();
        } catch (...) {
            // A PNG sequence that did not finish leaves none of its frames behind, nor the
            // folder it made (kept if anything else is in it; remove() skips a full folder).
            std::error_code ec;
            for (int k = 0; k < written; ++k) std::filesystem::remove(frameName(k), ec);
            if (createdFolder) std::filesystem::remove(r.out, ec);
            throw;
        }
        // The folder holds exactly this sequence: frames left from a longer earlier one go.
        if (!writer)
            for (int k = n; std::filesystem::exists(frameName(k)); ++k)
                std::filesystem::remove(frameName(k));
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return {still ? 1 : n, seconds};
}

} // namespace dfs::render
