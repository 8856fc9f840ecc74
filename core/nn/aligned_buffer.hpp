// Float buffers aligned to 64 bytes (an AVX-512 register, a cache line): the MLP kernels'
// vectorised loops then split every buffer the same way, so results do not depend on where
// malloc happened to put the memory (or on which thread allocated it).
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace dfs {

template <typename T> struct Aligned64Allocator {
    using value_type = T;
    Aligned64Allocator() = default;
    template <typename U> Aligned64Allocator(const Aligned64Allocator<U>&) noexcept {}
    T* allocate(std::size_t n) {
        return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(64)));
    }
    void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, std::align_val_t(64)); }
    template <typename U> bool operator==(const Aligned64Allocator<U>&) const noexcept {
        return true;
    }
};

using FloatBuffer = std::vector<float, Aligned64Allocator<float>>;

/// Grows `b` to at least n floats (never shrinks it): for caches reused across batches.
inline void ensureSize(FloatBuffer& b, long n) {
    if (long(b.size()) < n) b.resize(std::size_t(n));
}

} // namespace dfs
