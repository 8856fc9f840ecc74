// The CPU backend: every batched operation split over rows on a thread pool. Rows are
// independent and chunked by index, so the output does not depend on the thread count.
#pragma once

#include "core/backend/backend.hpp"
#include "core/backend/thread_pool.hpp"

namespace dfs {

class CpuBackend final : public Backend {
public:
    explicit CpuBackend(int threads = 0);
    std::string name() const override { return "cpu"; }
    std::string device() const override;
    void denoise(const Denoiser& model, const Matrix& x, const NoiseLevel& level,
                 Matrix& out) override;
    void logDensity(const Denoiser& model, const Matrix& x, const NoiseLevel& level,
                    Vector& out) override;
    int threads() const { return m_pool.threads(); }

private:
    ThreadPool m_pool;
};

} // namespace dfs
