// Nearest-neighbour 2x upsampling and its adjoint.
#include "core/nn/upsample.hpp"

#include <cstddef>

namespace dfs {

void upsampleNearest2x(const float* in, int batch, int channels, int side, float* out) {
    const int os = 2 * side;
    for (long plane = 0; plane < long(batch) * channels; ++plane) {
        const float* src = in + std::size_t(plane) * side * side;
        float* dst = out + std::size_t(plane) * os * os;
        for (int y = 0; y < os; ++y)
            for (int x = 0; x < os; ++x) dst[y * os + x] = src[(y / 2) * side + x / 2];
    }
}

void upsampleNearest2xBackward(const float* dout, int batch, int channels, int side, float* din) {
    const int os = 2 * side;
    for (long plane = 0; plane < long(batch) * channels; ++plane) {
        const float* src = dout + std::size_t(plane) * os * os;
        float* dst = din + std::size_t(plane) * side * side;
        for (int y = 0; y < side; ++y)
            for (int x = 0; x < side; ++x) {
                const float* q = src + std::size_t(2 * y) * os + 2 * x;
                dst[y * side + x] += (q[0] + q[1]) + (q[os] + q[os + 1]);
            }
    }
}

} // namespace dfs
