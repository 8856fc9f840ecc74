// GifFrameDelta: turns each quantised frame of an animation into a small GIF image block that,
// drawn over the frames before it ("do not dispose"), composes exactly that frame: only the
// bounding rectangle of the pixels whose colour changed, with unchanged pixels in it transparent
// where a table index is free and that codes smaller, and the first frame's colour table (the
// global one) reused where it holds the colours. GifWriter's frame differencing; Qt-free and
// giflib-free (the coded size comes from a callback).
#pragma once

#include "app/export/colour_quantizer.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace dfs {

using GifColour = std::array<std::uint8_t, 3>;

/// One GIF image block: where it goes, which colour table it uses and its pixels.
struct GifImageBlock {
    int left = 0, top = 0, width = 0, height = 0;
    /// True: the block carries `table` as its local colour table. False: it uses the global
    /// table (GifFrameDelta::globalTable()).
    bool localTable = false;
    /// The block's colour table (global or local): 2..256 entries, a power of two, unused
    /// entries black.
    std::vector<GifColour> table;
    /// The table index that shows the canvas underneath, or -1 when the block has none.
    int transparent = -1;
    /// width * height table indices, row-major.
    std::vector<std::uint8_t> indices;
};

/// The bytes a block's pixels take once LZW-coded, without its colour table (GifWriter measures
/// it with giflib).
using GifCodedSize = std::function<std::size_t(const GifImageBlock& block)>;

/// Differences consecutive frames. What the blocks compose after a frame is exactly that
/// frame, so the canvas is kept as the previous frame's palette and indices. Not thread-safe.
class GifFrameDelta {
public:
    /// For frames of width x height pixels (both > 0). Transparent pixels among changed ones
    /// break up the runs LZW feeds on, which can cost more than they save; so a block whose
    /// unchanged pixels are under 1/8 of its rectangle stores every pixel opaque, one where
    /// they are half or more stores them transparent, and between the two `codedSize` decides
    /// (measured on every eighth band of 8 rows of a block 64 rows or taller, on all rows
    /// otherwise; without it, transparent).
    GifFrameDelta(int width, int height, GifCodedSize codedSize = {});

    /// The block for the next frame, given as the quantiser's palette and indices (width *
    /// height of them). Composing the blocks so far in order (each drawn over the canvas, its
    /// transparent pixels leaving the canvas as it was) gives exactly the frame's colours
    /// palette[indices[i]] at every pixel. The first frame's block covers the whole frame and
    /// defines the global table; a frame equal to the canvas gives a 1x1 transparent block.
    /// Transparency needs a table index that no changed pixel uses: when the changed pixels
    /// use 256 distinct colours there is none, and the block stores every pixel of its
    /// rectangle opaque (the colours are never merged to make room). The result depends only on
    /// the frames given so far (and the coded sizes reported for them). The block stays valid
    /// until the next call; the caller may modify it (giflib takes pixels non-const) without
    /// affecting later blocks. Throws std::invalid_argument for indices that do not match the
    /// size or the palette.
    GifImageBlock& next(const QuantizedImage& frame);

    /// The global colour table (the first frame's); empty before the first frame.
    const std::vector<GifColour>& globalTable() const { return m_global; }

private:
    /// Sets m_block's rectangle to the changed pixels' bounding box (1x1 at the origin if there
    /// are none), marks the palette entries they use and returns how many there are.
    std::size_t findChanges(const QuantizedImage& frame);
    /// The distinct colours of the marked palette entries, in palette order.
    void collectColours(const QuantizedImage& frame);
    /// Sets `block`'s table, localTable and transparent entry for m_colours: the global table
    /// if it holds them and its wider codes cost less than a new table would, else a new one;
    /// with `transparent`, a free entry if there is one.
    void chooseTable(GifImageBlock& block, bool transparent) const;
    /// Writes `block`'s indices for the frame over its rectangle: unchanged pixels transparent
    /// where the block has a transparent entry.
    void encodeRectangle(const QuantizedImage& frame, GifImageBlock& block);
    /// Replaces m_block by the block with every pixel opaque (always, or `ifSmaller` when it
    /// codes smaller).
    void useOpaque(const QuantizedImage& frame, bool ifSmaller);
    /// Estimated bytes of `block` in the file: coded pixels (measured on a sample of its rows,
    /// scaled up) plus a local table.
    double estimatedBytes(const GifImageBlock& block);

    int m_width, m_height;
    GifCodedSize m_codedSize;
    bool m_first = true;
    std::vector<std::uint8_t> m_previous; // the previous frame's palette indices
    std::array<std::uint32_t, kMaxQuantizedColours> m_previousPacked{}; // its palette, 0xRRGGBB
    std::vector<GifColour> m_global;
    GifImageBlock m_block, m_opaque, m_sample;
    // Per frame: palette as 0xRRGGBB, the entries in use (by changed pixels, or by all pixels
    // of the rectangle), their distinct colours.
    std::array<std::uint32_t, kMaxQuantizedColours> m_packed{};
    std::array<bool, kMaxQuantizedColours> m_used{};
    std::vector<std::uint32_t> m_colours;
};

} // namespace dfs
