// ColourQuantizer: an exact palette for frames with at most 256 colours, else dominant colours
// plus a variance-splitting median cut over a 5-5-5 histogram; nearest-colour mapping through a
// 6-6-6 lookup table, with optional error-limited Floyd-Steinberg diffusion.
#include "app/export/colour_quantizer.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

namespace dfs {

namespace {

constexpr int kMaxColours = kMaxQuantizedColours;
constexpr int kCells = 1 << 15;    // histogram: 5 bits per channel
constexpr int kLutCells = 1 << 18; // nearest-colour table: 6 bits per channel

/// Damps large accumulated dither errors, which otherwise run on as streaks where the palette
/// cannot reach a colour (the error limiting of the IJG libjpeg quantiser, jquant2.c): errors
/// pass unchanged up to the knee, at half slope up to three times it, and are capped there.
inline int limitError(int e) {
    constexpr int kKnee = 8;
    const int a = std::abs(e);
    const int limited = a <= kKnee ? a : a <= 3 * kKnee ? kKnee + (a - kKnee) / 2 : 2 * kKnee;
    return e < 0 ? -limited : limited;
}

/// An accumulated error reaches at most 16 * 255 sixteenths (four neighbours' full weights).
constexpr int kMaxError16 = 16 * 255;

/// limitError of the rounded error, indexed by the accumulated error in sixteenths plus
/// kMaxError16: one load instead of a rounding and two branches per channel and pixel.
const std::array<std::int8_t, 2 * kMaxError16 + 1>& limitedErrors() {
    static const auto table = [] {
        std::array<std::int8_t, 2 * kMaxError16 + 1> t{};
        for (int e = -kMaxError16; e <= kMaxError16; ++e)
            t[std::size_t(e + kMaxError16)] = std::int8_t(limitError((e + (e >= 0 ? 8 : -8)) / 16));
        return t;
    }();
    return table;
}

inline int cellOf(int r, int g, int b) {
    return ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
}
inline int lutKey(int r, int g, int b) {
    return ((r >> 2) << 12) | ((g >> 2) << 6) | (b >> 2);
}

/// Up to 256 colours, with a lookup sorted by green for the nearest-colour search.
class Palette {
public:
    void clear() { m_size = 0; }
    int size() const { return m_size; }
    void add(int r, int g, int b) {
        m_rgb[m_size] = {std::uint8_t(r), std::uint8_t(g), std::uint8_t(b)};
        ++m_size;
    }
    const std::array<std::uint8_t, 3>& operator[](int i) const { return m_rgb[i]; }

    int distance(int i, int r, int g, int b) const {
        const int dr = m_rgb[i][0] - r, dg = m_rgb[i][1] - g, db = m_rgb[i][2] - b;
        return dr * dr + dg * dg + db * db;
    }

    /// Prepares nearest(); call after the last add().
    void index() {
        for (int i = 0; i < m_size; ++i) m_byGreen[i] = std::uint8_t(i);
        std::sort(m_byGreen.begin(), m_byGreen.begin() + m_size, [this](int a, int b) {
            return m_rgb[a][1] != m_rgb[b][1] ? m_rgb[a][1] < m_rgb[b][1] : a < b;
        });
        for (int i = 0; i < m_size; ++i) m_green[i] = m_rgb[m_byGreen[i]][1];
    }

    /// The entry nearest to (r, g, b) in squared RGB distance (lowest index on ties). Searches
    /// outwards from g in the green-sorted order and stops once the green gap alone is larger
    /// than the best distance found.
    int nearest(int r, int g, int b) const {
        int best = std::numeric_limits<int>::max(), bestIndex = 0;
        auto consider = [&](int k) {
            const int d = distance(m_byGreen[k], r, g, b);
            if (d < best || (d == best && m_byGreen[k] < bestIndex)) {
                best = d;
                bestIndex = m_byGreen[k];
            }
        };
        int up =
            int(std::lower_bound(m_green.begin(), m_green.begin() + m_size, g) - m_green.begin());
        int down = up - 1;
        while (up < m_size || down >= 0) {
            if (up < m_size) {
                const int dg = m_green[up] - g;
                if (dg * dg > best)
                    up = m_size;
                else
                    consider(up++);
            }
            if (down >= 0) {
                const int dg = g - m_green[down];
                if (dg * dg > best)
                    down = -1;
                else
                    consider(down--);
            }
        }
        return bestIndex;
    }

private:
    int m_size = 0;
    std::array<std::array<std::uint8_t, 3>, kMaxColours> m_rgb{};
    std::array<std::uint8_t, kMaxColours> m_byGreen{};
    std::array<int, kMaxColours> m_green{};
};

/// Turns one RGBA frame into palette indices. Buffers are kept between frames.
class FrameQuantizer {
public:
    /// Fills `palette` and `indices` (width * height bytes) for `frame`.
    void quantize(const RgbaImage& frame, bool dither, Palette& palette,
                  std::vector<std::uint8_t>& indices) {
        indices.resize(std::size_t(frame.width) * std::size_t(frame.height));
        palette.clear();
        if (mapExactly(frame, palette, indices)) return;
        buildHistogram(frame);
        takeDominantColours(palette, indices.size());
        medianCut(palette, kMaxColours - palette.size());
        palette.index();
        prepareLookup(palette);
        if (dither)
            mapDithered(frame, palette, indices);
        else
            mapNearest(frame, palette, indices);
        for (int cell : m_used) m_bins[cell] = Bin{};
        m_used.clear();
    }

private:
    struct Bin {
        std::uint32_t count = 0;
        std::uint64_t sum[3] = {0, 0, 0};
        // The cell's two most frequent exact colours by the Misra-Gries frequent-items count
        // (Misra & Gries 1982, k = 2): votes[j] never exceeds the number of pixels of colour
        // candidate[j] in the cell, and falls short by at most a third of the cell.
        std::uint32_t candidate[2] = {0, 0}, votes[2] = {0, 0};
    };
    /// A non-empty histogram cell as the median cut sees it.
    struct Cell {
        int key;
        double count, sum[3], sumSq; // sumSq = |sum|^2 / count
        int coord[3];                // 5-bit coordinates, for sorting along an axis
    };
    struct Box {
        int begin, end;
        double sse;
    };

    /// If the frame has at most 256 distinct colours, makes them the palette and maps every
    /// pixel to its own colour. Returns false (leaving the palette empty) otherwise.
    bool mapExactly(const RgbaImage& frame, Palette& palette, std::vector<std::uint8_t>& out) {
        constexpr std::uint32_t kSlots = 1024, kEmpty = 0xffffffffu;
        m_slotColour.assign(kSlots, kEmpty);
        m_slotIndex.resize(kSlots);
        const std::size_t n = out.size();
        const std::uint8_t* p = frame.pixels.data();
        std::uint32_t lastColour = kEmpty;
        std::uint8_t lastIndex = 0;
        for (std::size_t i = 0; i < n; ++i, p += 4) {
            const std::uint32_t colour =
                std::uint32_t(p[0]) << 16 | std::uint32_t(p[1]) << 8 | p[2];
            if (colour != lastColour) {
                std::uint32_t slot = (colour * 2654435761u) >> 22;
                while (m_slotColour[slot] != colour && m_slotColour[slot] != kEmpty)
                    slot = (slot + 1) & (kSlots - 1);
                if (m_slotColour[slot] == kEmpty) {
                    if (palette.size() == kMaxColours) {
                        palette.clear();
                        return false;
                    }
                    m_slotColour[slot] = colour;
                    m_slotIndex[slot] = std::uint8_t(palette.size());
                    palette.add(p[0], p[1], p[2]);
                }
                lastColour = colour;
                lastIndex = m_slotIndex[slot];
            }
            out[i] = lastIndex;
        }
        return true;
    }

    void buildHistogram(const RgbaImage& frame) {
        if (m_bins.empty()) m_bins.resize(kCells);
        const std::uint8_t* p = frame.pixels.data();
        const std::uint8_t* end = p + frame.pixels.size();
        for (; p != end; p += 4) {
            const int key = cellOf(p[0], p[1], p[2]);
            Bin& bin = m_bins[key];
            if (bin.count++ == 0) m_used.push_back(key);
            bin.sum[0] += p[0];
            bin.sum[1] += p[1];
            bin.sum[2] += p[2];
            const std::uint32_t colour =
                std::uint32_t(p[0]) << 16 | std::uint32_t(p[1]) << 8 | p[2];
            if (colour == bin.candidate[0]) {
                ++bin.votes[0];
            } else if (colour == bin.candidate[1]) {
                ++bin.votes[1];
            } else if (bin.votes[0] == 0) {
                bin.candidate[0] = colour;
                bin.votes[0] = 1;
            } else if (bin.votes[1] == 0) {
                bin.candidate[1] = colour;
                bin.votes[1] = 1;
            } else {
                --bin.votes[0];
                --bin.votes[1];
            }
        }
        // Key order makes the result independent of where colours first appear.
        std::sort(m_used.begin(), m_used.end());
    }

    /// Flat areas (backgrounds, lines, text) keep their exact colour: a colour that fills at least
    /// 1/1024 of the frame gets its own palette entry (at most 64 such, the largest first), and
    /// its pixels leave the histogram the median cut sees.
    void takeDominantColours(Palette& palette, std::size_t pixels) {
        constexpr std::size_t kMaxDominant = 64;
        const std::uint32_t threshold = std::uint32_t(std::max<std::size_t>(16, pixels / 1024));
        m_dominant.clear();
        for (int key : m_used)
            for (int j = 0; j < 2; ++j)
                if (m_bins[key].votes[j] >= threshold) m_dominant.push_back({key, j});
        std::sort(m_dominant.begin(), m_dominant.end(), [this](const auto& a, const auto& b) {
            const std::uint32_t va = m_bins[a.first].votes[a.second];
            const std::uint32_t vb = m_bins[b.first].votes[b.second];
            return va != vb ? va > vb : a < b;
        });
        if (m_dominant.size() > kMaxDominant) m_dominant.resize(kMaxDominant);
        for (const auto& [key, j] : m_dominant) {
            Bin& bin = m_bins[key];
            const std::uint32_t c = bin.candidate[j], n = bin.votes[j];
            const int rgb[3] = {int(c >> 16), int((c >> 8) & 0xff), int(c & 0xff)};
            palette.add(rgb[0], rgb[1], rgb[2]);
            bin.count -= n;
            for (int a = 0; a < 3; ++a) bin.sum[a] -= std::uint64_t(n) * std::uint64_t(rgb[a]);
        }
    }

    /// Sum of squared distances of the cells' means to the box mean, weighted by count:
    /// sum_i |S_i|^2 / n_i - |sum_i S_i|^2 / N (cell-internal spread is left out).
    static double boxError(double count, const double sum[3], double sumSq) {
        if (count <= 0) return 0.0;
        return std::max(0.0, sumSq - (sum[0] * sum[0] + sum[1] * sum[1] + sum[2] * sum[2]) / count);
    }

    /// Variance-based median cut (Heckbert 1982, "Color image quantization for frame buffer
    /// display", with Wu's 1991 split criterion): repeatedly split the box with the largest
    /// squared error, along its axis of largest variance, at the position that minimises the
    /// two halves' summed squared error. Each of at most `colours` boxes becomes one palette
    /// colour, its weighted mean.
    void medianCut(Palette& palette, int colours) {
        m_cells.clear();
        for (int key : m_used) {
            const Bin& bin = m_bins[key];
            if (bin.count == 0) continue; // all taken by a dominant colour
            Cell c{};
            c.key = key;
            c.count = double(bin.count);
            for (int a = 0; a < 3; ++a) c.sum[a] = double(bin.sum[a]);
            c.sumSq = (c.sum[0] * c.sum[0] + c.sum[1] * c.sum[1] + c.sum[2] * c.sum[2]) / c.count;
            c.coord[0] = key >> 10;
            c.coord[1] = (key >> 5) & 31;
            c.coord[2] = key & 31;
            m_cells.push_back(c);
        }
        m_boxes.clear();
        if (m_cells.empty() || colours <= 0) return;
        m_boxes.push_back({0, int(m_cells.size()), rangeError(0, int(m_cells.size()))});
        while (int(m_boxes.size()) < colours) {
            int pick = -1;
            for (int i = 0; i < int(m_boxes.size()); ++i)
                if (m_boxes[i].end - m_boxes[i].begin > 1 &&
                    (pick < 0 || m_boxes[i].sse > m_boxes[pick].sse))
                    pick = i;
            if (pick < 0 || m_boxes[pick].sse <= 0.0) break;
            const Box box = m_boxes[pick];
            const int cut = splitPoint(box);
            m_boxes[pick] = {box.begin, cut, rangeError(box.begin, cut)};
            m_boxes.push_back({cut, box.end, rangeError(cut, box.end)});
        }
        for (const Box& box : m_boxes) {
            double count = 0, sum[3] = {0, 0, 0};
            for (int i = box.begin; i < box.end; ++i) {
                count += m_cells[i].count;
                for (int a = 0; a < 3; ++a) sum[a] += m_cells[i].sum[a];
            }
            palette.add(int(std::lround(sum[0] / count)), int(std::lround(sum[1] / count)),
                        int(std::lround(sum[2] / count)));
        }
    }

    double rangeError(int begin, int end) const {
        double count = 0, sum[3] = {0, 0, 0}, sumSq = 0;
        for (int i = begin; i < end; ++i) {
            const Cell& c = m_cells[i];
            count += c.count;
            for (int a = 0; a < 3; ++a) sum[a] += c.sum[a];
            sumSq += c.sumSq;
        }
        return boxError(count, sum, sumSq);
    }

    /// Sorts the box's cells along its widest-variance axis and returns the first index of the
    /// upper half (strictly inside the box).
    int splitPoint(const Box& box) {
        double count = 0, sum[3] = {0, 0, 0}, sq[3] = {0, 0, 0};
        for (int i = box.begin; i < box.end; ++i) {
            const Cell& c = m_cells[i];
            count += c.count;
            for (int a = 0; a < 3; ++a) {
                sum[a] += c.sum[a];
                sq[a] += c.sum[a] * c.sum[a] / c.count;
            }
        }
        int axis = 0;
        double widest = -1;
        for (int a = 0; a < 3; ++a) {
            const double variance = sq[a] - sum[a] * sum[a] / count;
            if (variance > widest) {
                widest = variance;
                axis = a;
            }
        }
        std::sort(m_cells.begin() + box.begin, m_cells.begin() + box.end,
                  [axis](const Cell& a, const Cell& b) {
                      return a.coord[axis] != b.coord[axis] ? a.coord[axis] < b.coord[axis]
                                                            : a.key < b.key;
                  });
        // Prefix sums give both halves' error for every cut in one pass.
        double lowCount = 0, lowSum[3] = {0, 0, 0}, lowSq = 0, totalSq = 0;
        for (int i = box.begin; i < box.end; ++i) totalSq += m_cells[i].sumSq;
        double bestError = std::numeric_limits<double>::infinity();
        int best = box.begin + 1;
        for (int i = box.begin; i + 1 < box.end; ++i) {
            const Cell& c = m_cells[i];
            lowCount += c.count;
            lowSq += c.sumSq;
            for (int a = 0; a < 3; ++a) lowSum[a] += c.sum[a];
            const double highSum[3] = {sum[0] - lowSum[0], sum[1] - lowSum[1], sum[2] - lowSum[2]};
            const double error = boxError(lowCount, lowSum, lowSq) +
                                 boxError(count - lowCount, highSum, totalSq - lowSq);
            if (error < bestError) {
                bestError = error;
                best = i + 1;
            }
        }
        return best;
    }

    // The 6-6-6 table: per cell, the entry nearest to the cell's centre (once computed) and the
    // palette colour that lies inside the cell (if any; "several" if more than one does).
    static constexpr std::uint32_t kComputed = 1u << 8, kOwnShift = 16, kHasOwn = 1u << 24,
                                   kSeveral = 1u << 25;

    /// Palette index for (r, g, b): the nearer of the entry nearest to the centre of its 6-6-6
    /// cell (computed on first use per frame) and the palette colour inside that cell, if any,
    /// so that palette colours (flat areas) always map to themselves. The table is finer than
    /// the 5-5-5 histogram because dithered values land anywhere: a coarser one picks visibly
    /// worse colours (more dither noise).
    std::uint8_t lookup(const Palette& palette, int r, int g, int b) {
        std::uint32_t& cell = m_nearest[lutKey(r, g, b)];
        if (!(cell & kComputed))
            cell |= kComputed |
                    std::uint32_t(palette.nearest((r & ~3) | 2, (g & ~3) | 2, (b & ~3) | 2));
        int index = int(cell & 0xff);
        if (cell & kHasOwn) {
            if (cell & kSeveral) return std::uint8_t(palette.nearest(r, g, b));
            const int own = int((cell >> kOwnShift) & 0xff);
            if (palette.distance(own, r, g, b) < palette.distance(index, r, g, b)) index = own;
        }
        return std::uint8_t(index);
    }

    /// The palette entry equal to (r, g, b), or -1.
    int exactEntry(const Palette& palette, int r, int g, int b) const {
        const std::uint32_t cell = m_nearest[lutKey(r, g, b)];
        if (!(cell & kHasOwn)) return -1;
        const int own =
            (cell & kSeveral) ? palette.nearest(r, g, b) : int((cell >> kOwnShift) & 0xff);
        return palette.distance(own, r, g, b) == 0 ? own : -1;
    }

    /// Clears the table for a new palette and marks the cells that hold palette colours.
    void prepareLookup(const Palette& palette) {
        m_nearest.assign(kLutCells, 0);
        for (int i = 0; i < palette.size(); ++i) {
            std::uint32_t& cell = m_nearest[lutKey(palette[i][0], palette[i][1], palette[i][2])];
            cell |= (cell & kHasOwn) ? kSeveral : kHasOwn | (std::uint32_t(i) << kOwnShift);
        }
    }

    void mapNearest(const RgbaImage& frame, const Palette& palette,
                    std::vector<std::uint8_t>& out) {
        const std::uint8_t* p = frame.pixels.data();
        for (std::size_t i = 0; i < out.size(); ++i, p += 4)
            out[i] = lookup(palette, p[0], p[1], p[2]);
    }

    /// Floyd-Steinberg error diffusion (Floyd & Steinberg 1976, weights 7/16 ahead, 3/16, 5/16,
    /// 1/16 on the next row), serpentine scan. Errors are kept in sixteenths.
    void mapDithered(const RgbaImage& frame, const Palette& palette,
                     std::vector<std::uint8_t>& out) {
        const int w = frame.width, h = frame.height;
        const std::int8_t* limited = limitedErrors().data() + kMaxError16;
        // One guard entry on each side, three channels per pixel.
        m_errThis.assign(std::size_t(w + 2) * 3, 0);
        m_errNext.assign(std::size_t(w + 2) * 3, 0);
        for (int y = 0; y < h; ++y) {
            const bool forward = (y % 2) == 0;
            const int step = forward ? 1 : -1;
            const std::uint8_t* row = frame.row(y);
            std::uint8_t* dst = out.data() + std::size_t(y) * std::size_t(w);
            int* cur = m_errThis.data() + 3;
            int* next = m_errNext.data() + 3;
            for (int k = 0; k < w; ++k) {
                const int x = forward ? k : w - 1 - k;
                const std::uint8_t* p = row + 4 * x;
                // A pixel that is exactly a palette colour (a flat area) is kept exact and
                // absorbs the error that reaches it, so flat areas stay clean up to their edges.
                if (const int own = exactEntry(palette, p[0], p[1], p[2]); own >= 0) {
                    dst[x] = std::uint8_t(own);
                    continue;
                }
                int v[3];
                for (int c = 0; c < 3; ++c) {
                    v[c] = std::clamp(p[c] + limited[cur[3 * x + c]], 0, 255);
                }
                const std::uint8_t index = lookup(palette, v[0], v[1], v[2]);
                dst[x] = index;
                const auto& q = palette[index];
                for (int c = 0; c < 3; ++c) {
                    const int e = v[c] - q[c];
                    cur[3 * (x + step) + c] += 7 * e;
                    next[3 * (x - step) + c] += 3 * e;
                    next[3 * x + c] += 5 * e;
                    next[3 * (x + step) + c] += e;
                }
            }
            std::swap(m_errThis, m_errNext);
            std::fill(m_errNext.begin(), m_errNext.end(), 0);
        }
    }

    std::vector<Bin> m_bins;
    std::vector<int> m_used;
    std::vector<Cell> m_cells;
    std::vector<Box> m_boxes;
    std::vector<std::pair<int, int>> m_dominant; // (cell, candidate slot)
    std::vector<std::uint32_t> m_nearest;
    std::vector<std::uint32_t> m_slotColour;
    std::vector<std::uint8_t> m_slotIndex;
    std::vector<int> m_errThis, m_errNext;
};

} // namespace

struct ColourQuantizer::Impl {
    FrameQuantizer frames;
    Palette palette;
};

ColourQuantizer::ColourQuantizer() : m_impl(std::make_unique<Impl>()) {}
ColourQuantizer::~ColourQuantizer() = default;
ColourQuantizer::ColourQuantizer(ColourQuantizer&&) noexcept = default;
ColourQuantizer& ColourQuantizer::operator=(ColourQuantizer&&) noexcept = default;

void ColourQuantizer::quantize(const RgbaImage& image, bool dither, QuantizedImage& out) {
    if (!image.valid())
        throw std::invalid_argument("ColourQuantizer::quantize: the pixel buffer does not match "
                                    "the image size");
    Impl& d = *m_impl;
    d.frames.quantize(image, dither, d.palette, out.indices);
    out.palette.resize(std::size_t(d.palette.size()));
    for (int i = 0; i < d.palette.size(); ++i) out.palette[std::size_t(i)] = d.palette[i];
}

QuantizedImage ColourQuantizer::quantize(const RgbaImage& image, bool dither) {
    QuantizedImage out;
    quantize(image, dither, out);
    return out;
}

} // namespace dfs
