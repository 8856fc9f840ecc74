// GifFrameDelta: the changed rectangle against a composed canvas of packed RGB, the choice between
// the global and a new local colour table, and the transparent index for unchanged pixels.
#include "app/export/gif_frame_delta.hpp"

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <utility>

namespace dfs {

namespace {

/// A canvas value that no 0xRRGGBB colour equals: before the first frame every pixel differs.
constexpr std::uint32_t kNoColour = 0xff000000u;

std::uint32_t pack(const GifColour& c) {
    return std::uint32_t(c[0]) << 16 | std::uint32_t(c[1]) << 8 | std::uint32_t(c[2]);
}

/// The smallest power of two >= n, at least 2 (a GIF colour table's sizes).
int tableSizeFor(int n) {
    int size = 2;
    while (size < n) size *= 2;
    return size;
}

int log2Of(int powerOfTwo) {
    int bits = 0;
    while ((1 << bits) < powerOfTwo) ++bits;
    return bits;
}

/// Index of each colour of `colours` in `table` (its first entry of that colour), or -1.
std::vector<int> indicesIn(const std::vector<GifColour>& table,
                           const std::vector<std::uint32_t>& colours) {
    std::vector<std::pair<std::uint32_t, int>> sorted;
    sorted.reserve(table.size());
    for (int i = 0; i < int(table.size()); ++i) sorted.emplace_back(pack(table[i]), i);
    std::sort(sorted.begin(), sorted.end()); // equal colours: lowest index first
    std::vector<int> out;
    out.reserve(colours.size());
    for (const std::uint32_t c : colours) {
        const auto it = std::lower_bound(sorted.begin(), sorted.end(), std::make_pair(c, 0));
        out.push_back(it != sorted.end() && it->first == c ? it->second : -1);
    }
    return out;
}

} // namespace

GifFrameDelta::GifFrameDelta(int width, int height)
    : m_width(width), m_height(height),
      m_canvas(std::size_t(std::max(width, 0)) * std::size_t(std::max(height, 0)), kNoColour) {
    if (width <= 0 || height <= 0)
        throw std::invalid_argument("GifFrameDelta: the frame size must be positive");
}

GifImageBlock& GifFrameDelta::next(const QuantizedImage& frame) {
    if (frame.indices.size() != m_canvas.size() || frame.palette.empty() ||
        frame.palette.size() > std::size_t(kMaxQuantizedColours))
        throw std::invalid_argument("GifFrameDelta::next: the frame does not match the size or "
                                    "has no valid palette");
    for (std::size_t i = 0; i < frame.palette.size(); ++i) m_packed[i] = pack(frame.palette[i]);
    if (!findChanges(frame)) {
        // Nothing changed: a 1x1 block that only carries the frame's delay.
        m_block.left = m_block.top = 0;
        m_block.width = m_block.height = 1;
    }
    collectChangedColours(frame);
    chooseTable();
    encodeRectangle(frame);
    if (m_first) m_global = m_block.table;
    m_first = false;
    return m_block;
}

bool GifFrameDelta::findChanges(const QuantizedImage& frame) {
    m_used.fill(false);
    int x0 = m_width, x1 = -1, y0 = m_height, y1 = -1;
    const std::size_t paletteSize = frame.palette.size();
    for (int y = 0; y < m_height; ++y) {
        const std::size_t row = std::size_t(y) * std::size_t(m_width);
        const std::uint8_t* indices = frame.indices.data() + row;
        const std::uint32_t* canvas = m_canvas.data() + row;
        int first = -1, last = -1;
        for (int x = 0; x < m_width; ++x) {
            const std::uint8_t index = indices[x];
            if (index >= paletteSize)
                throw std::invalid_argument("GifFrameDelta::next: a palette index is out of range");
            if (m_packed[index] != canvas[x]) {
                m_used[index] = true;
                if (first < 0) first = x;
                last = x;
            }
        }
        if (first < 0) continue;
        x0 = std::min(x0, first);
        x1 = std::max(x1, last);
        y0 = std::min(y0, y);
        y1 = y;
    }
    if (x1 < 0) return false;
    m_block.left = x0;
    m_block.top = y0;
    m_block.width = x1 - x0 + 1;
    m_block.height = y1 - y0 + 1;
    return true;
}

void GifFrameDelta::collectChangedColours(const QuantizedImage& frame) {
    m_changedColours.clear();
    for (std::size_t i = 0; i < frame.palette.size(); ++i)
        if (m_used[i] && std::find(m_changedColours.begin(), m_changedColours.end(), m_packed[i]) ==
                             m_changedColours.end())
            m_changedColours.push_back(m_packed[i]);
}

void GifFrameDelta::chooseTable() {
    const int changed = int(m_changedColours.size());
    const int newSize = tableSizeFor(changed < kMaxQuantizedColours ? changed + 1 : changed);
    if (!m_first) {
        // The global table serves if it holds every changed colour. It costs no table bytes
        // but may need wider LZW codes than a new table: take it unless the extra code bits,
        // at most one code per pixel, outweigh a new table's 3 bytes per entry.
        const std::vector<int> found = indicesIn(m_global, m_changedColours);
        if (std::find(found.begin(), found.end(), -1) == found.end()) {
            const int extraBits = log2Of(int(m_global.size())) - log2Of(newSize);
            const long long area = (long long)m_block.width * m_block.height;
            if (extraBits <= 0 || area * extraBits <= 8LL * 3 * newSize) {
                std::vector<bool> taken(m_global.size(), false);
                for (const int i : found) taken[std::size_t(i)] = true;
                const auto free = std::find(taken.begin(), taken.end(), false);
                m_block.localTable = false;
                m_block.table = m_global;
                m_block.transparent = free == taken.end() ? -1 : int(free - taken.begin());
                return;
            }
        }
    }
    // A new table: the changed colours in palette order, then a transparent entry if there is
    // room, padded with black.
    m_block.localTable = !m_first;
    m_block.table.assign(std::size_t(newSize), GifColour{0, 0, 0});
    for (int i = 0; i < changed; ++i)
        m_block.table[std::size_t(i)] = {std::uint8_t(m_changedColours[i] >> 16),
                                         std::uint8_t(m_changedColours[i] >> 8),
                                         std::uint8_t(m_changedColours[i])};
    m_block.transparent = changed < kMaxQuantizedColours ? changed : -1;
}

void GifFrameDelta::encodeRectangle(const QuantizedImage& frame) {
    // Palette entry -> table index, for every entry whose colour the table holds.
    const std::size_t paletteSize = frame.palette.size();
    const std::vector<std::uint32_t> colours(m_packed.begin(), m_packed.begin() + paletteSize);
    const std::vector<int> tableIndex = indicesIn(m_block.table, colours);

    const int transparent = m_block.transparent;
    m_block.indices.resize(std::size_t(m_block.width) * std::size_t(m_block.height));
    std::uint8_t* out = m_block.indices.data();
    std::size_t transparentPixels = 0;
    for (int y = m_block.top; y < m_block.top + m_block.height; ++y) {
        const std::size_t row = std::size_t(y) * std::size_t(m_width);
        for (int x = m_block.left; x < m_block.left + m_block.width; ++x) {
            const std::uint8_t index = frame.indices[row + std::size_t(x)];
            std::uint32_t& canvas = m_canvas[row + std::size_t(x)];
            if (transparent >= 0 && m_packed[index] == canvas) {
                *out++ = std::uint8_t(transparent);
                ++transparentPixels;
                continue;
            }
            // Every changed colour is in the table; without a transparent entry the changed
            // pixels use all 256 colours, which are then every colour of the frame.
            if (tableIndex[index] < 0)
                throw std::logic_error("GifFrameDelta: a colour is missing from the table");
            *out++ = std::uint8_t(tableIndex[index]);
            canvas = m_packed[index];
        }
    }
    if (transparentPixels == 0) m_block.transparent = -1;
}

} // namespace dfs
