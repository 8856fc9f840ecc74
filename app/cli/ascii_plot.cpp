// Density-shaded terminal scatter plot.
#include "app/cli/ascii_plot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace dfs::cli {

std::vector<std::string> asciiScatter(const Matrix& points, double extent, int width, int height,
                                      const std::string& title) {
    std::vector<int> counts(std::size_t(width) * height, 0);
    for (Index r = 0; r < points.rows(); ++r) {
        const double u = (points(r, 0) + extent) / (2 * extent);
        const double v = (extent - points(r, 1)) / (2 * extent); // y up
        if (!(u >= 0 && u < 1 && v >= 0 && v < 1)) continue;
        ++counts[std::size_t(int(v * height)) * width + std::size_t(int(u * width))];
    }
    const int peak = std::max(1, *std::max_element(counts.begin(), counts.end()));
    static const std::string shades = " .:-=+*#%@";
    std::vector<std::string> lines;
    lines.push_back(fmt::format("{:^{}}", title, width + 2));
    std::string border(std::size_t(width) + 2, '-');
    border.front() = border.back() = '+';
    lines.push_back(border);
    for (int row = 0; row < height; ++row) {
        std::string line(1, '|');
        for (int col = 0; col < width; ++col) {
            const int c = counts[std::size_t(row) * width + col];
            // Square-root shading so that sparse regions stay visible beside dense modes.
            const int level =
                c == 0 ? 0 : 1 + int(std::sqrt(double(c) / peak) * double(shades.size() - 2) + 0.5);
            line += shades[std::size_t(std::min<int>(level, int(shades.size()) - 1))];
        }
        line.push_back('|');
        lines.push_back(line);
    }
    lines.push_back(border);
    lines.push_back(fmt::format("{:<{}}{:>{}}", fmt::format("-{:g}", extent), (width + 2) / 2,
                                fmt::format("{:g}", extent), width + 2 - (width + 2) / 2));
    return lines;
}

} // namespace dfs::cli
