// Untied networks: one denoiser above sigma_split, another below (diffusion-math.md 1.6).
#include "core/denoisers/split_denoiser.hpp"

#include "core/errors.hpp"

#include <cmath>
#include <fmt/format.h>

namespace dfs {

SplitDenoiser::SplitDenoiser(std::unique_ptr<Denoiser> above, std::unique_ptr<Denoiser> below,
                             double sigmaSplit)
    : m_above(std::move(above)), m_below(std::move(below)), m_split(sigmaSplit) {
    if (!m_above || !m_below) throw UsageError("a split denoiser needs two denoisers");
    if (m_above->dim() != m_below->dim())
        throw UsageError(fmt::format("the split denoiser's networks differ in dimension: '{}' "
                                     "has {}, '{}' has {}",
                                     m_above->name(), m_above->dim(), m_below->name(),
                                     m_below->dim()));
    if (std::isnan(m_split) || m_split < 0)
        throw UsageError(fmt::format("the split level sigma_split must be >= 0 (got {})", m_split));
}

std::string SplitDenoiser::name() const {
    return fmt::format("{} | {} below sigma~ {:g}", m_above->name(), m_below->name(), m_split);
}

bool SplitDenoiser::usesAbove(const NoiseLevel& level) const {
    if (std::isinf(m_split)) return false;
    return level.sigma >= m_split * level.alpha;
}

const Denoiser& SplitDenoiser::at(const NoiseLevel& level) const {
    return usesAbove(level) ? *m_above : *m_below;
}

void SplitDenoiser::denoiseRows(const Matrix& x, const NoiseLevel& level, Matrix& out, Index begin,
                                Index end) const {
    at(level).denoiseRows(x, level, out, begin, end);
}

bool SplitDenoiser::hasLogDensity() const {
    return m_above->hasLogDensity() && m_below->hasLogDensity();
}

void SplitDenoiser::logDensityRows(const Matrix& x, const NoiseLevel& level, Vector& out,
                                   Index begin, Index end) const {
    at(level).logDensityRows(x, level, out, begin, end);
}

} // namespace dfs
