// Hutchinson's probe terms v^T J_D v for a learned U-Net denoiser, by reverse mode: the U-Net's
// input Jacobian is never formed (d^2 entries for a d-pixel image), only vector-Jacobian
// products J^T v, one backward pass per probe after one forward pass. With
// LearnedDenoiser::affine's terms (x* = ratio (x - alpha mean) / scale, D = mean + scale (a x* +
// b F(c_in x*))),
//   J_D = ratio (a I + b c_in J_F),   so   v^T J_D v = ratio (a |v|^2 + b c_in v . (J_F^T v)),
// and v^T J v = (J^T v) . v needs no forward mode (Grathwohl et al. 2019, FFJORD, eq. 7 uses
// v^T (dF/dx) from one reverse pass the same way). The PF-ODE likelihood on images averages these
// over fixed probes (core/samplers/hutchinson_trace.hpp, pf_divergence.hpp).
#pragma once

#include "core/denoisers/learned_denoiser.hpp"

namespace dfs {

class LearnedVjp {
public:
    /// Throws UsageError where the model's network is not a U-Net (an MLP has the exact
    /// Jacobian by forward mode: learned_jacobian.hpp).
    explicit LearnedVjp(const LearnedDenoiser& model);
    int dim() const { return m_model.dim(); }

    /// For every row of x at `level` (sigma > 0): D(x) into d (n x dim, the float network's
    /// value) and terms (n x K) = v_k^T J_D(x_r) v_k for the K rows v_k of probes (K x dim).
    /// Thread-safe (each call has its own workspace).
    void evaluate(const Matrix& x, const NoiseLevel& level, const Matrix& probes, Matrix& d,
                  Matrix& terms) const;

private:
    const LearnedDenoiser& m_model;
};

} // namespace dfs
