// Classifier-free guidance as a denoiser combinator.
#include "core/denoisers/guided_denoiser.hpp"

#include "core/errors.hpp"

#include <cmath>
#include <fmt/format.h>

namespace dfs {

GuidedDenoiser::GuidedDenoiser(std::unique_ptr<Denoiser> conditional,
                               std::unique_ptr<Denoiser> unconditional, double gamma)
    : m_cond(std::move(conditional)), m_uncond(std::move(unconditional)), m_gamma(gamma) {
    if (m_cond->dim() != m_uncond->dim())
        throw UsageError("guidance needs conditional and unconditional models of one dimension");
    if (!std::isfinite(gamma))
        throw UsageError(fmt::format("--guidance must be a finite number (got {})", gamma));
}

void GuidedDenoiser::denoiseRows(const Matrix& x, const NoiseLevel& level, Matrix& out, Index begin,
                                 Index end) const {
    const Index n = end - begin;
    const Matrix xs = x.middleRows(begin, n);
    Matrix u(n, x.cols());
    m_cond->denoiseRows(x, level, out, begin, end);
    m_uncond->denoiseRows(xs, level, u, 0, n);
    out.middleRows(begin, n) = u + m_gamma * (out.middleRows(begin, n) - u);
}

} // namespace dfs
