// CPU backend: row-parallel evaluation on a thread pool.
#include "core/backend/cpu_backend.hpp"

#include "core/denoisers/denoiser.hpp"
#include "core/errors.hpp"

#include <fmt/format.h>

namespace dfs {

namespace {
constexpr std::size_t kRowsPerChunk = 64;
}

CpuBackend::CpuBackend(int threads) : m_pool(threads) {}

std::string CpuBackend::device() const {
    return fmt::format("CPU, {} thread{}", m_pool.threads(), m_pool.threads() == 1 ? "" : "s");
}

void CpuBackend::denoise(const Denoiser& model, const Matrix& x, const NoiseLevel& level,
                         Matrix& out) {
    if (x.cols() != model.dim())
        throw UsageError(fmt::format("points have {} dimensions but the denoiser '{}' has {}",
                                     x.cols(), model.name(), model.dim()));
    out.resize(x.rows(), x.cols());
    m_pool.parallelFor(std::size_t(x.rows()), kRowsPerChunk, [&](std::size_t b, std::size_t e) {
        model.denoiseRows(x, level, out, Index(b), Index(e));
    });
}

void CpuBackend::logDensity(const Denoiser& model, const Matrix& x, const NoiseLevel& level,
                            Vector& out) {
    if (!model.hasLogDensity())
        throw UsageError("log p_t is not available for the denoiser '" + model.name() + "'");
    out.resize(x.rows());
    m_pool.parallelFor(std::size_t(x.rows()), kRowsPerChunk, [&](std::size_t b, std::size_t e) {
        model.logDensityRows(x, level, out, Index(b), Index(e));
    });
}

} // namespace dfs
