// Nearest-neighbour 2x upsampling of batch-major NCHW activations (the U-Net decoder's
// resolution step, as in DDPM: Ho et al. 2020, Appendix B).
#pragma once

namespace dfs {

/// out[b, c, y, x] = in[b, c, y / 2, x / 2] for an input of side `side`; `out` holds
/// batch * channels * (2 side)^2 floats.
void upsampleNearest2x(const float* in, int batch, int channels, int side, float* out);
/// The adjoint: din[b, c, y, x] += the sum of dout over the 2x2 block it was copied to.
void upsampleNearest2xBackward(const float* dout, int batch, int channels, int side, float* din);

} // namespace dfs
