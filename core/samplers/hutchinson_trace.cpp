// Hutchinson's estimator with fixed Rademacher probes (see hutchinson_trace.hpp).
#include "core/samplers/hutchinson_trace.hpp"

#include <cmath>
#include <numbers>

namespace dfs {

namespace {
/// SplitMix64 (Steele, Lea & Flood 2014): one 64-bit output per counter value.
std::uint64_t splitMix64(std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
} // namespace

Matrix rademacherProbes(Index probes, Index dim, std::uint64_t seed) {
    Matrix v(probes, dim);
    const std::uint64_t base = splitMix64(seed);
    for (Index k = 0; k < probes; ++k)
        for (Index c = 0; c < dim; ++c)
            v(k, c) = (splitMix64(base + std::uint64_t(k * dim + c)) >> 63) ? 1.0 : -1.0;
    return v;
}

Matrix hutchinsonTerms(const JacobianVectorProduct& jvp, const Matrix& probes, Index n) {
    Matrix terms(n, probes.rows());
    Matrix jv;
    for (Index k = 0; k < probes.rows(); ++k) {
        const Matrix v = probes.row(k).replicate(n, 1);
        jvp(v, jv);
        terms.col(k) = (v.array() * jv.array()).rowwise().sum().matrix();
    }
    return terms;
}

double dequantisedBitsPerDim(double nll, Index dim) {
    return nll / (double(dim) * std::numbers::ln2) + 7.0;
}

} // namespace dfs
