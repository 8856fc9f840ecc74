// The gradient sum with its norm, with run-time ISA dispatch.
#include "core/nn/vector_ops.hpp"

#include "core/multiversion.hpp"

#include <algorithm>

namespace dfs {

DFS_MULTIVERSION double sumParts(float* out, const float* const* parts, int count, std::size_t n) {
    constexpr std::size_t kBlock = 2048; // a multiple of 8, small enough to stay in L1
    double acc[8] = {};
    for (std::size_t at = 0; at < n; at += kBlock) {
        const std::size_t end = std::min(n, at + kBlock);
        std::copy(parts[0] + at, parts[0] + end, out + at);
        for (int p = 1; p < count; ++p)
            for (std::size_t i = at; i < end; ++i) out[i] += parts[p][i];
        std::size_t i = at;
        for (; i + 8 <= end; i += 8)
            for (std::size_t j = 0; j < 8; ++j) acc[j] += double(out[i + j]) * out[i + j];
        for (; i < end; ++i) acc[i % 8] += double(out[i]) * out[i];
    }
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

} // namespace dfs
