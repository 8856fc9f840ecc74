// bench_export_gif: time to write an animated GIF (default 200 frames of 512x512) of a moving heat
// map with scattered points, the kind of frame `diffuscope-cli render` exports. Frame synthesis
// is not timed; addFrame() and finish() are.
//   bench_export_gif [--frames N] [--size WxH] [--fps F] [--no-dither] [--mp4] [--out FILE]
#include "app/export/animation_writer.hpp"

#include "heat_map.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using dfs::RgbaImage;

/// Frame `i` of `n`: three drifting Gaussian bumps coloured by the viridis-like ramp and shaded
/// across y, with 400 white 3x3 points circling the centre.
void synthesise(RgbaImage& image, int i, int n) {
    const int w = image.width, h = image.height;
    const double s = double(i) / std::max(1, n);
    // A fine ramp, so that frames have thousands of colours as rendered heat maps do.
    constexpr int kRamp = 4096;
    static std::vector<std::array<std::uint8_t, 3>> ramp;
    if (ramp.empty())
        for (int k = 0; k < kRamp; ++k) {
            const auto c = dfs::test::viridisLike(k / double(kRamp - 1));
            ramp.push_back({std::uint8_t(std::lround(c[0])), std::uint8_t(std::lround(c[1])),
                            std::uint8_t(std::lround(c[2]))});
        }
    // Separable bumps: exp(-(dx^2 + dy^2) / r^2) = ex(x) * ey(y).
    constexpr int kBumps = 3;
    std::vector<double> ex(std::size_t(kBumps) * w), ey(std::size_t(kBumps) * h);
    for (int b = 0; b < kBumps; ++b) {
        const double angle = 6.2831853 * (s + b / 3.0);
        const double cx = 0.5 + 0.25 * std::cos(angle), cy = 0.5 + 0.25 * std::sin(angle);
        const double r = 0.18 + 0.05 * b;
        for (int x = 0; x < w; ++x) {
            const double d = (double(x) / w - cx) / r;
            ex[std::size_t(b) * w + x] = std::exp(-d * d);
        }
        for (int y = 0; y < h; ++y) {
            const double d = (double(y) / h - cy) / r;
            ey[std::size_t(b) * h + y] = std::exp(-d * d);
        }
    }
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            double v = 0;
            for (int b = 0; b < kBumps; ++b)
                v += ex[std::size_t(b) * w + x] * ey[std::size_t(b) * h + y];
            const double shade = 0.75 + 0.25 * double(y) / h; // lighting across y
            const auto& c = ramp[std::size_t(std::clamp(v / 1.6, 0.0, 1.0) * (kRamp - 1) + 0.5)];
            image.set(x, y, std::uint8_t(c[0] * shade), std::uint8_t(c[1] * shade),
                      std::uint8_t(c[2] * shade));
        }
    for (int p = 0; p < 400; ++p) {
        const double radius = 0.1 + 0.35 * ((p * 37) % 100) / 100.0;
        const double angle = 6.2831853 * (p / 400.0 + s * (0.5 + radius));
        const int px = int(w * (0.5 + radius * std::cos(angle)));
        const int py = int(h * (0.5 + radius * std::sin(angle)));
        for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx)
                if (px + dx >= 0 && px + dx < w && py + dy >= 0 && py + dy < h)
                    image.set(px + dx, py + dy, 255, 255, 255);
    }
}

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: bench_export_gif [--frames N] [--size WxH] [--fps F] "
                         "[--no-dither] [--mp4] [--out FILE]\n");
    std::exit(2);
}

} // namespace

int main(int argc, char** argv) {
    int frames = 200, width = 512, height = 512;
    double fps = 25;
    dfs::AnimationOptions options;
    bool mp4 = false;
    std::string out;
    for (int a = 1; a < argc; ++a) {
        const std::string arg = argv[a];
        const bool hasValue = a + 1 < argc;
        if (arg == "--frames" && hasValue)
            frames = std::atoi(argv[++a]);
        else if (arg == "--size" && hasValue) {
            if (std::sscanf(argv[++a], "%dx%d", &width, &height) != 2) usage();
        } else if (arg == "--fps" && hasValue)
            fps = std::atof(argv[++a]);
        else if (arg == "--out" && hasValue)
            out = argv[++a];
        else if (arg == "--no-dither")
            options.dither = false;
        else if (arg == "--mp4")
            mp4 = true;
        else
            usage();
    }
    if (frames < 1) usage();
    const bool keep = !out.empty();
    if (!keep)
        out = (std::filesystem::temp_directory_path() /
               (mp4 ? "diffuscope_bench_export.mp4" : "diffuscope_bench_export.gif"))
                  .string();
    try {
        using Clock = std::chrono::steady_clock;
        Clock::duration spent{};
        auto start = Clock::now();
        auto writer = dfs::makeAnimationWriter(out, width, height, fps, options);
        spent += Clock::now() - start;
        RgbaImage frame(width, height);
        for (int i = 0; i < frames; ++i) {
            synthesise(frame, i, frames);
            start = Clock::now();
            writer->addFrame(frame);
            spent += Clock::now() - start;
        }
        start = Clock::now();
        writer->finish();
        spent += Clock::now() - start;
        const double seconds = std::chrono::duration<double>(spent).count();
        const double megabytes = double(std::filesystem::file_size(out)) / 1e6;
        std::printf("%s %dx%d, %d frames, %s: %.3f s (%.1f frames/s), %.2f MB\n",
                    mp4 ? "MP4" : "GIF", width, height, frames,
                    mp4 ? "crf 18" : (options.dither ? "dithered" : "not dithered"), seconds,
                    frames / seconds, megabytes);
        if (!keep) std::filesystem::remove(out);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_export_gif: %s\n", e.what());
        return 1;
    }
    return 0;
}
