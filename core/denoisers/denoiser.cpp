// Defaults of the denoiser interface.
#include "core/denoisers/denoiser.hpp"

#include "core/errors.hpp"

namespace dfs {

void Denoiser::logDensityRows(const Matrix&, const NoiseLevel&, Vector&, Index, Index) const {
    throw UsageError("log p_t is not available for the denoiser '" + name() + "'");
}

} // namespace dfs
