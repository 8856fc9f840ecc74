// GifFrameDelta: turns each quantised frame of an animation into the smallest GIF image block
// that, drawn over the frames before it ("do not dispose"), composes exactly that frame: only
// the bounding rectangle of the pixels whose colour changed, with unchanged pixels in it
// transparent where a table index is free, and the first frame's colour table (the global one)
// reused where the changed colours are all in it. GifWriter's frame differencing; Qt-free and
// giflib-free.
#pragma once

#include "app/export/colour_quantizer.hpp"

#include <array>
#include <cstdint>
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

/// Differences consecutive frames against the composed canvas. Not thread-safe.
class GifFrameDelta {
public:
    /// For frames of width x height pixels (both > 0).
    GifFrameDelta(int width, int height);

    /// The block for the next frame, given as the quantiser's palette and indices (width *
    /// height of them). Composing the blocks so far in order (each drawn over the canvas, its
    /// transparent pixels leaving the canvas as it was) gives exactly the frame's colours
    /// palette[indices[i]] at every pixel. The first frame's block covers the whole frame and
    /// defines the global table; a frame equal to the canvas gives a 1x1 transparent block.
    /// Transparency needs a table index that no changed pixel uses: when the changed pixels
    /// use 256 distinct colours there is none, and the block stores every pixel of its
    /// rectangle opaque (the colours are never merged to make room). The result depends only on
    /// the frames given so far. The block stays valid until the next call; the caller may
    /// modify it (giflib takes pixels non-const) without affecting later blocks. Throws
    /// std::invalid_argument for indices that do not match the size or the palette.
    GifImageBlock& next(const QuantizedImage& frame);

    /// The global colour table (the first frame's); empty before the first frame.
    const std::vector<GifColour>& globalTable() const { return m_global; }

private:
    /// Finds the changed pixels' bounding box and marks the palette entries they use.
    bool findChanges(const QuantizedImage& frame);
    /// The distinct colours of the marked palette entries, in palette order.
    void collectChangedColours(const QuantizedImage& frame);
    /// Fills m_block's table, localTable and transparent for the changed colours.
    void chooseTable();
    /// Maps the palette to the chosen table and writes the rectangle's indices; updates the
    /// canvas.
    void encodeRectangle(const QuantizedImage& frame);

    int m_width, m_height;
    bool m_first = true;
    std::vector<std::uint32_t> m_canvas; // composed frame so far, 0xRRGGBB
    std::vector<GifColour> m_global;
    GifImageBlock m_block;
    // Per frame: palette as 0xRRGGBB, entries used by changed pixels, the changed colours.
    std::array<std::uint32_t, kMaxQuantizedColours> m_packed{};
    std::array<bool, kMaxQuantizedColours> m_used{};
    std::vector<std::uint32_t> m_changedColours;
};

} // namespace dfs
