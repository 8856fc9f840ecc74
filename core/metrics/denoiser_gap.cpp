// Learned-vs-reference denoiser error per noise level.
#include "core/metrics/denoiser_gap.hpp"

#include "core/denoisers/denoiser.hpp"
#include "core/rng/noise.hpp"
#include "core/rng/philox.hpp"

#include <algorithm>

namespace dfs {

std::vector<DenoiserGap> denoiserGap(const Denoiser& learned, const Denoiser& reference,
                                     const Schedule& schedule, const Matrix& data, Index n,
                                     std::uint64_t seed) {
    Matrix x0(n, data.cols());
    for (Index i = 0; i < n; ++i) {
        const double u = philoxUniforms4(seed, std::uint32_t(i), 0, 0x47415000u, 0)[0];
        x0.row(i) = data.row(std::min(data.rows() - 1, Index(u * double(data.rows()))));
    }
    std::vector<DenoiserGap> out;
    for (int k = 1; k <= 10; ++k) {
        const NoiseLevel l = schedule.at(k / 10.0);
        const Matrix x = l.alpha * x0 + l.sigma * gaussianNoise(seed, 0, n, data.cols(),
                                                                std::uint32_t(k), 0x47415001u);
        Matrix a(n, data.cols()), b(n, data.cols());
        learned.denoiseRows(x, l, a, 0, n);
        reference.denoiseRows(x, l, b, 0, n);
        out.push_back({l.t, (a - b).squaredNorm() / double(n * data.cols())});
    }
    return out;
}

} // namespace dfs
