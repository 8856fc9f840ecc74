// GifFrameDelta: the changed rectangle against the previous quantised frame (which is what the
// blocks so far compose), the choice between the global and a new local colour table, the
// transparent index for unchanged pixels, and the choice between transparent and opaque
// unchanged pixels.
#include "app/export/gif_frame_delta.hpp"

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <utility>

namespace dfs {

namespace {

/// A colour that no 0xRRGGBB colour equals: before the first frame every pixel differs.
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

GifFrameDelta::GifFrameDelta(int width, int height, GifCodedSize codedSize)
    : m_width(width), m_height(height), m_codedSize(std::move(codedSize)),
      m_previous(std::size_t(std::max(width, 0)) * std::size_t(std::max(height, 0)), 0) {
    m_previousPacked.fill(kNoColour);
    if (width <= 0 || height <= 0)
        throw std::invalid_argument("GifFrameDelta: the frame size must be positive");
}

GifImageBlock& GifFrameDelta::next(const QuantizedImage& frame) {
    if (frame.indices.size() != m_previous.size() || frame.palette.empty() ||
        frame.palette.size() > std::size_t(kMaxQuantizedColours))
        throw std::invalid_argument("GifFrameDelta::next: the frame does not match the size or "
                                    "has no valid palette");
    for (std::size_t i = 0; i < frame.palette.size(); ++i) m_packed[i] = pack(frame.palette[i]);
    const std::size_t changed = findChanges(frame);
    const std::size_t area = std::size_t(m_block.width) * std::size_t(m_block.height);
    const std::size_t unchanged = area - changed; // every changed pixel is in the rectangle
    collectColours(frame);
    // The first frame's table keeps a free entry for later frames where there is room.
    chooseTable(m_block, m_first || unchanged > 0);
    // Unchanged pixels scattered among changed ones (a few percent, as where a moving gradient
    // is re-dithered) code smaller opaque; large unchanged areas smaller transparent; between
    // the two, the coded sizes decide.
    if (m_block.transparent < 0 || unchanged == 0) {
        m_block.transparent = -1;
        encodeRectangle(frame, m_block);
    } else if (8 * unchanged < area) {
        useOpaque(frame, false);
    } else if (2 * unchanged >= area || !m_codedSize) {
        encodeRectangle(frame, m_block);
    } else {
        encodeRectangle(frame, m_block);
        useOpaque(frame, true);
    }
    // The blocks so far now compose this frame.
    m_previous = frame.indices;
    m_previousPacked = m_packed;
    if (m_first) m_global = m_block.table;
    m_first = false;
    return m_block;
}

std::size_t GifFrameDelta::findChanges(const QuantizedImage& frame) {
    // Locals throughout: stores through byte pointers would otherwise make the compiler reload
    // members on every pixel.
    std::array<bool, kMaxQuantizedColours> used{};
    const std::uint32_t* packed = m_packed.data();
    const std::uint32_t* previousPacked = m_previousPacked.data();
    const int width = m_width, height = m_height;
    int x0 = width, x1 = -1, y0 = height, y1 = -1;
    std::size_t changed = 0;
    int largest = 0;
    for (int y = 0; y < height; ++y) {
        const std::size_t row = std::size_t(y) * std::size_t(width);
        const std::uint8_t* indices = frame.indices.data() + row;
        const std::uint8_t* previous = m_previous.data() + row;
        int first = -1, last = -1;
        // Branch-free: changed and unchanged pixels mix unpredictably.
        for (int x = 0; x < width; ++x) {
            const std::uint8_t index = indices[x];
            largest = std::max(largest, int(index));
            const bool differs = packed[index] != previousPacked[previous[x]];
            used[index] |= differs;
            changed += differs;
            first = (first < 0 && differs) ? x : first;
            last = differs ? x : last;
        }
        if (first < 0) continue;
        x0 = std::min(x0, first);
        x1 = std::max(x1, last);
        y0 = std::min(y0, y);
        y1 = y;
    }
    if (std::size_t(largest) >= frame.palette.size())
        throw std::invalid_argument("GifFrameDelta::next: a palette index is out of range");
    m_used = used;
    if (x1 < 0) {
        // Nothing changed: a 1x1 block that only carries the frame's delay.
        x0 = x1 = y0 = y1 = 0;
    }
    m_block.left = x0;
    m_block.top = y0;
    m_block.width = x1 - x0 + 1;
    m_block.height = y1 - y0 + 1;
    return changed;
}

void GifFrameDelta::collectColours(const QuantizedImage& frame) {
    m_colours.clear();
    for (std::size_t i = 0; i < frame.palette.size(); ++i)
        if (m_used[i] &&
            std::find(m_colours.begin(), m_colours.end(), m_packed[i]) == m_colours.end())
            m_colours.push_back(m_packed[i]);
}

void GifFrameDelta::chooseTable(GifImageBlock& block, bool transparent) const {
    const int colours = int(m_colours.size());
    const bool room = transparent && colours < kMaxQuantizedColours;
    const int newSize = tableSizeFor(room ? colours + 1 : colours);
    if (!m_first) {
        // The global table serves if it holds every colour. It costs no table bytes but may
        // need wider LZW codes than a new table: take it unless the extra code bits, at most
        // one code per pixel, outweigh a new table's 3 bytes per entry.
        const std::vector<int> found = indicesIn(m_global, m_colours);
        if (std::find(found.begin(), found.end(), -1) == found.end()) {
            const int extraBits = log2Of(int(m_global.size())) - log2Of(newSize);
            const long long area = (long long)block.width * block.height;
            if (extraBits <= 0 || area * extraBits <= 8LL * 3 * newSize) {
                std::vector<bool> taken(m_global.size(), false);
                for (const int i : found) taken[std::size_t(i)] = true;
                const auto free = std::find(taken.begin(), taken.end(), false);
                block.localTable = false;
                block.table = m_global;
                block.transparent =
                    !transparent || free == taken.end() ? -1 : int(free - taken.begin());
                return;
            }
        }
    }
    // A new table: the colours in palette order, then the transparent entry if there is room,
    // padded with black.
    block.localTable = !m_first;
    block.table.assign(std::size_t(newSize), GifColour{0, 0, 0});
    for (int i = 0; i < colours; ++i)
        block.table[std::size_t(i)] = {std::uint8_t(m_colours[i] >> 16),
                                       std::uint8_t(m_colours[i] >> 8), std::uint8_t(m_colours[i])};
    block.transparent = room ? colours : -1;
}

void GifFrameDelta::encodeRectangle(const QuantizedImage& frame, GifImageBlock& block) {
    // Palette entry -> table index, for every entry whose colour the table holds (else -1).
    const std::size_t paletteSize = frame.palette.size();
    const std::vector<std::uint32_t> colours(m_packed.begin(), m_packed.begin() + paletteSize);
    const std::vector<int> found = indicesIn(block.table, colours);
    std::array<int, kMaxQuantizedColours> tableIndex{};
    std::copy(found.begin(), found.end(), tableIndex.begin());
    const std::array<std::uint32_t, kMaxQuantizedColours> packed = m_packed;
    const std::array<std::uint32_t, kMaxQuantizedColours> previousPacked = m_previousPacked;

    const int transparent = block.transparent;
    const int left = block.left, top = block.top, width = block.width, height = block.height;
    block.indices.resize(std::size_t(width) * std::size_t(height));
    std::uint8_t* out = block.indices.data();
    int missing = 0;
    for (int y = top; y < top + height; ++y) {
        const std::size_t row = std::size_t(y) * std::size_t(m_width) + std::size_t(left);
        const std::uint8_t* indices = frame.indices.data() + row;
        const std::uint8_t* previous = m_previous.data() + row;
        for (int x = 0; x < width; ++x) {
            const std::uint8_t index = indices[x];
            const bool clear = transparent >= 0 && packed[index] == previousPacked[previous[x]];
            missing |= clear ? 0 : tableIndex[index];
            *out++ = std::uint8_t(clear ? transparent : tableIndex[index]);
        }
    }
    // The table holds every changed colour, and without a transparent entry every colour of
    // the rectangle.
    if (missing < 0) throw std::logic_error("GifFrameDelta: a colour is missing from the table");
}

void GifFrameDelta::useOpaque(const QuantizedImage& frame, bool ifSmaller) {
    // The opaque block needs every colour of the rectangle in its table.
    m_used.fill(false);
    for (int y = m_block.top; y < m_block.top + m_block.height; ++y) {
        const std::size_t row = std::size_t(y) * std::size_t(m_width);
        for (int x = m_block.left; x < m_block.left + m_block.width; ++x)
            m_used[frame.indices[row + std::size_t(x)]] = true;
    }
    collectColours(frame);
    m_opaque.left = m_block.left;
    m_opaque.top = m_block.top;
    m_opaque.width = m_block.width;
    m_opaque.height = m_block.height;
    chooseTable(m_opaque, false);
    encodeRectangle(frame, m_opaque);
    if (!ifSmaller || estimatedBytes(m_opaque) < estimatedBytes(m_block))
        std::swap(m_block, m_opaque);
}

double GifFrameDelta::estimatedBytes(const GifImageBlock& block) {
    constexpr int kBand = 8, kEvery = 8, kMinRows = 64;
    const double table = block.localTable ? 3.0 * double(block.table.size()) : 0.0;
    if (block.height < kMinRows) return double(m_codedSize(block)) + table;
    m_sample.left = m_sample.top = 0;
    m_sample.width = block.width;
    m_sample.localTable = block.localTable;
    m_sample.table = block.table;
    m_sample.transparent = block.transparent;
    m_sample.indices.clear();
    int rows = 0;
    for (int y = 0; y < block.height; ++y)
        if ((y / kBand) % kEvery == 0) {
            const auto first = block.indices.begin() + std::ptrdiff_t(y) * block.width;
            m_sample.indices.insert(m_sample.indices.end(), first, first + block.width);
            ++rows;
        }
    m_sample.height = rows;
    return double(m_codedSize(m_sample)) * double(block.height) / double(rows) + table;
}

} // namespace dfs
